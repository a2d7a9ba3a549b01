// "Send a test e-mail" tries the mail server settings on the screen before they are saved: the
// stored password is used when none is typed (it never travels to the UI), and nothing is saved.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../test-support/manual-clock.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { AppCore } from '../api/app-core.js';
import { createRouter } from '../api/router.js';
import type { Reply } from '../../../shared/contract/reply.js';
import { startSmtpServer, type TestSmtpServer } from '../test-support/smtp-server.js';

const PASSWORD = 'correct horse battery';
let root = '';
let app: AppCore;
let server: TestSmtpServer;
const logins: Array<{ user: string; password: string }> = [];

async function call<T>(method: string, input: unknown = {}): Promise<Reply<T>> {
  return (await createRouter(app, { validateOutput: true }).call(method, input, {
    role: app.isUiUnlocked ? 'owner' : 'public',
    transport: 'test',
  })) as Reply<T>;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'afterword-channel-test-'));
  server = await startSmtpServer({
    authOptional: false,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      logins.push({ user: auth.username ?? '', password: auth.password ?? '' });
      if (auth.username === 'me' && auth.password === 'stored secret') return callback(null, { user: 'me' });
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
  });
  app = new AppCore({
    vaultDir: join(root, 'vault'),
    clock: new ManualClock(Date.UTC(2027, 0, 1)),
    keyStore: new FileKeyStore(join(root, 'keys')),
    scrypt: { logN: 15, r: 8, p: 1 },
  });
  await call('vault.create', { password: PASSWORD });
  await call('vault.unlock', { password: PASSWORD });
  await call('settings.set', { owner: { email: 'owner@example.org', name: null } });
  // Saved: a server that is not there (port 9 on loopback: nothing listens), with the password.
  expect(
    await call('channels.setSmtp', {
      host: '127.0.0.1',
      port: 9,
      tls: 'none',
      user: 'me',
      password: 'stored secret',
      from: 'afterword@example.org',
    }),
  ).toMatchObject({ ok: true });
});
afterAll(async () => {
  await app.close();
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('channels.test with the settings on the screen', () => {
  const onScreen = () => ({
    host: '127.0.0.1',
    port: server.port,
    tls: 'none',
    user: 'me',
    from: 'afterword@example.org',
  });

  it('sends through the unsaved server with the stored password, and saves nothing', async () => {
    const reply = await call<{ ok: boolean }>('channels.test', { channel: 'email', smtp: onScreen() });
    expect(reply).toMatchObject({ ok: true, data: { ok: true } });
    expect(server.received.map((m) => m.to)).toEqual([['owner@example.org']]);
    expect(logins).toEqual([{ user: 'me', password: 'stored secret' }]);
    const channels = await call<{ smtp: Record<string, unknown> }>('channels.get');
    expect(channels).toMatchObject({ ok: true, data: { smtp: { port: 9, passwordSet: true } } });
    expect(JSON.stringify(channels)).not.toContain('stored secret');
  });

  it('uses a password typed on the screen instead of the stored one, and reports the refusal', async () => {
    const reply = await call<{ ok: boolean; errorCode: string }>('channels.test', {
      channel: 'email',
      smtp: { ...onScreen(), password: 'typo' },
    });
    expect(reply).toMatchObject({ ok: true, data: { ok: false } });
    expect(logins.at(-1)).toEqual({ user: 'me', password: 'typo' });
  });

  it('without settings, tests the stored ones (here: nobody listens)', async () => {
    expect(await call('channels.test', { channel: 'email' })).toMatchObject({ ok: true, data: { ok: false } });
  });

  it('refuses settings for a channel other than e-mail, and settings that are not valid', async () => {
    expect(await call('channels.test', { channel: 'desktop', smtp: onScreen() })).toMatchObject({
      ok: false,
      code: 'BAD_REQUEST',
    });
    expect(
      await call('channels.test', { channel: 'email', smtp: { ...onScreen(), from: 'not an address' } }),
    ).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(server.received).toHaveLength(1);
  });
});
