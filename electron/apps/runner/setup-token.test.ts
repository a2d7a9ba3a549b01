// The first visitor of a runner without a vault must not become its owner: `vault.create` over
// HTTP needs the one-time setup token the runner printed; wrong tokens meet a backoff.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/test-support/manual-clock.js';
import { FREE_ATTEMPTS, FIRST_DELAY_MS } from '../../core/vault/unlock-guard.js';
import { HttpClient } from './test-support/http-client.js';
import { PASSWORD, T0, startFixture, type RunnerFixture } from './test-support/runner-fixture.js';

let f: RunnerFixture | null = null;
afterEach(async () => {
  await f?.close();
  f = null;
});

const create = (client: HttpClient, input: Record<string, unknown>) =>
  client.rpc('vault.create', { password: PASSWORD, ...input });

describe('the setup token', () => {
  it('is random, at least 128 bits, and part of the link to open', async () => {
    f = await startFixture();
    const other = await startFixture();
    try {
      const token = f.runner.setupToken!;
      expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
      expect(token).not.toBe(other.runner.setupToken);
      expect(f.runner.openUrl).toBe(`${f.runner.url}?setup=${token}`);
    } finally {
      await other.close();
    }
  });

  it('refuses vault.create without it or with a wrong one, and creates nothing', async () => {
    f = await startFixture();
    const stranger = new HttpClient(f.base);
    const missing = await create(stranger, {});
    expect(missing.status).toBe(403);
    expect(missing.reply).toMatchObject({ ok: false, code: 'SETUP_TOKEN_REQUIRED' });
    const wrong = await create(stranger, { setupToken: 'A'.repeat(22) });
    expect(wrong.status).toBe(403);
    expect(wrong.reply).toMatchObject({ ok: false, code: 'SETUP_TOKEN_REQUIRED' });
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(existsSync(join(f.vaultDir, 'vault.db'))).toBe(false);
    expect((await stranger.data<{ exists: boolean }>('vault.status')).exists).toBe(false);
  });

  it('accepts the printed token once; then it opens nothing and the link is plain', async () => {
    f = await startFixture();
    const token = f.runner.setupToken!;
    const owner = new HttpClient(f.base);
    const created = await create(owner, { setupToken: token });
    expect(created.reply.ok).toBe(true);
    expect((created.reply as { data: { recoveryKey: string } }).data.recoveryKey).toMatch(/\w/);
    expect(f.runner.setupToken).toBeNull();
    expect(f.runner.openUrl).toBe(f.runner.url);
    // The same token again: the vault exists, nothing is replaced.
    const again = await create(new HttpClient(f.base), { setupToken: token });
    expect(again.reply).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    await f.restart();
    expect(f.runner.setupToken).toBeNull();
  });

  it('counts wrong tokens toward the password backoff: after five, even the right one waits', async () => {
    const clock = new ManualClock(T0);
    f = await startFixture({ clock });
    const token = f.runner.setupToken!;
    const stranger = new HttpClient(f.base);
    for (let i = 0; i < FREE_ATTEMPTS; i++) {
      expect((await create(stranger, { setupToken: `wrong-guess-${i}-xxxxxxxxxxxx` })).reply).toMatchObject({
        code: 'SETUP_TOKEN_REQUIRED',
      });
    }
    const refused = await create(new HttpClient(f.base), { setupToken: token });
    expect(refused.status).toBe(429);
    expect(refused.reply).toMatchObject({ ok: false, code: 'LOCKED_OUT' });
    expect(Number(refused.headers.get('retry-after'))).toBe(FIRST_DELAY_MS / 1000);
    expect(existsSync(join(f.vaultDir, 'vault.db'))).toBe(false);
    clock.advance(FIRST_DELAY_MS);
    expect((await create(new HttpClient(f.base), { setupToken: token })).reply.ok).toBe(true);
  });

  it('a runner that started with a vault printed no link: if the vault vanishes, nobody can create one over HTTP', async () => {
    f = await startFixture();
    await create(f.client(), {});
    await f.restart();
    expect(f.runner.setupToken).toBeNull();
    await rm(f.vaultDir, { recursive: true, force: true });
    const refused = await create(new HttpClient(f.base), {});
    expect(refused.reply).toMatchObject({
      ok: false,
      code: 'SETUP_TOKEN_REQUIRED',
      message: expect.stringMatching(/restart `afterword serve`/),
    });
    expect(existsSync(join(f.vaultDir, 'vault.db'))).toBe(false);
  });

  it('is the one chosen by a script when given', async () => {
    f = await startFixture({ runner: { setupToken: 'chosen-by-the-script-0123456789' } });
    expect(f.runner.setupToken).toBe('chosen-by-the-script-0123456789');
    expect((await create(new HttpClient(f.base), { setupToken: 'chosen-by-the-script-0123456789' })).reply.ok).toBe(
      true,
    );
  });
});
