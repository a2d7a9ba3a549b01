// The compiled CLI: `afterword serve` stopped by SIGTERM while a delivery is in flight loses
// nothing; `afterword tick` signs check-in links that `serve` accepts; `afterword token …`.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../core/delivery/owner-settings.js';
import { createEngine, initializeVaultContent } from '../../core/engine.js';
import { createVaultServices, type VaultServices } from '../../core/services.js';
import { Vault } from '../../core/vault/vault.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { ManualClock } from '../../core/test-support/manual-clock.js';
import { CLI_BIN, CliVault, REPO_ROOT, TempDirs, assertCliBuilt, cleanEnv } from '../cli/test-support/run-cli.js';
import { SmtpSink } from '../cli/test-support/smtp-sink.js';
import { startRunner } from './server.js';
import { HttpClient } from './test-support/http-client.js';
import { SCRYPT, T0 } from './test-support/runner-fixture.js';
import { AppCore } from '../../core/api/app-core.js';

const temp = new TempDirs();
const smtp = new SmtpSink({ dataDelayMs: 1500 });
const RECIPIENTS = ['a@example.org', 'b@example.org', 'c@example.org'];
const DELAY_MS = 10 * 60_000;
const level = { waitMs: 60_000, channels: ['desktop' as const] };

const fake = (at: number): Record<string, string> => ({
  AFTERWORD_ALLOW_FAKE_CLOCK: '1',
  AFTERWORD_FAKE_NOW: new Date(at).toISOString(),
});

/** A vault built in process: SMTP to the sink, owner set, `fill` adds the rest. */
async function makeVault(
  label: string,
  fill: (services: VaultServices, clock: ManualClock, cli: CliVault) => Promise<void>,
): Promise<CliVault> {
  const vault = await CliVault.create(temp, label);
  const clock = new ManualClock(T0);
  const { vault: v } = await Vault.create(vault.dir, vault.password, { clock, scrypt: SCRYPT });
  try {
    const services = createVaultServices(v, clock);
    initializeVaultContent(services);
    services.settings.set(SETTINGS.owner, { email: 'owner@example.org', name: null });
    services.settings.set(SETTINGS.smtp, {
      host: '127.0.0.1',
      port: smtp.port,
      tls: 'none',
      user: null,
      password: null,
      from: 'afterword@example.org',
    });
    await fill(services, clock, vault);
  } finally {
    await v.close();
  }
  return vault;
}

function outboxStatuses(dir: string): Promise<Record<string, number>> {
  return Vault.open(dir, { clock: new ManualClock(T0) }).then(async (v) => {
    try {
      const rows = v.db.sqlite
        .prepare(`SELECT status, count(*) AS n FROM outbox WHERE kind = 'delivery' GROUP BY status`)
        .all() as { status: string; n: number }[];
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    } finally {
      await v.close();
    }
  });
}

interface Served {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function serve(vault: CliVault, at: number): Served {
  const child = spawn(process.execPath, [CLI_BIN, 'serve', '--port', '0', '--json'], {
    cwd: REPO_ROOT,
    env: cleanEnv(vault.env(fake(at))),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const exited = new Promise<Awaited<Served['exited']>>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    }),
  );
  return { child, exited };
}

beforeAll(async () => {
  assertCliBuilt();
  await smtp.start();
});
afterAll(async () => {
  await smtp.stop();
  await temp.cleanup();
});

describe('afterword serve and SIGTERM', () => {
  it('a SIGTERM during a delivery finishes the send, records it and exits 0; nothing is lost', async () => {
    let triggeredAt = 0;
    const vault = await makeVault('serve-sigterm', async (services, clock, cli) => {
      const recipientIds = RECIPIENTS.map(
        (contact, i) => services.recipients.add({ type: 'email', name: `R${i}`, contact }).id,
      );
      const planId = services.plans.create({
        name: 'Soon',
        intervalMs: 60_000,
        levels: [level, level, level, level, level],
      }).id;
      services.messages.create({
        title: 'Goodbye',
        body: 'Thank you for everything.',
        recipientIds,
        planId,
        deliveryDelayMs: DELAY_MS,
      });
      const engine = createEngine(services, { clock });
      try {
        for (let i = 0; i < 30 && triggeredAt === 0; i++) {
          const { tick } = await engine.runOnce('test');
          if (tick.transitions.some((t) => t.to === 'triggered')) triggeredAt = clock.now();
          else clock.advance(61_000);
        }
      } finally {
        await engine.close();
      }
      // Unattended delivery: `serve` unlocks with the device key, no password needed.
      await services.vault.enableDeviceKey(new FileKeyStore(cli.keyDir));
    });
    expect(triggeredAt).toBeGreaterThan(0);
    expect(await outboxStatuses(vault.dir)).toEqual({ pending: RECIPIENTS.length });

    const at = triggeredAt + DELAY_MS + 60_000;
    const first = serve(vault, at);
    const inFlight = new Promise<void>((resolve) => {
      const stop = smtp.onRcpt(() => {
        stop();
        resolve();
      });
    });
    await inFlight; // the first mail is being sent (the sink holds each DATA for 1.5 s)
    first.child.kill('SIGTERM');
    const result = await first.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('SIGTERM: stopping');
    expect(JSON.parse(result.stdout)).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/) });

    // The mail that was in flight at SIGTERM was finished before the process exited.
    expect(smtp.mails.filter((m) => m.subject === 'Goodbye').length).toBeGreaterThanOrEqual(1);
    let statuses = await outboxStatuses(vault.dir);
    expect(statuses.sending ?? 0).toBe(0); // never left half-sent
    if (statuses.pending) {
      // SIGTERM came before some sends started: they are delivered on the next start.
      const second = serve(vault, at + 60_000);
      await smtp.waitFor((mails) => new Set(mails.map((m) => m.rcptTo[0])).size === RECIPIENTS.length, 15_000);
      second.child.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
      statuses = await outboxStatuses(vault.dir);
    }
    expect(statuses).toEqual({ sent: RECIPIENTS.length });
    const received = smtp.mails.filter((m) => m.subject === 'Goodbye').map((m) => m.rcptTo[0]);
    expect(received.sort()).toEqual(RECIPIENTS);
  });
});

describe('afterword tick composes check-in links that serve accepts', () => {
  it('the warning e-mail holds a one-time link under the publicUrl setting', async () => {
    const publicUrl = 'https://afterword.example.org';
    const vault = await makeVault('tick-link', async (services, clock) => {
      services.settings.set(SETTINGS.publicUrl, publicUrl);
      const emailLevel = { waitMs: 60_000, channels: ['email' as const] };
      const kin = services.recipients.add({ type: 'email', name: 'Kin', contact: 'kin@example.org' }).id;
      const planId = services.plans.create({
        name: 'Mail',
        intervalMs: 60_000,
        levels: [emailLevel, emailLevel, emailLevel, emailLevel, emailLevel],
      }).id;
      services.messages.create({ title: 'Later', body: 'x', recipientIds: [kin], planId });
      const engine = createEngine(services, { clock });
      try {
        await engine.runOnce('test'); // armed: scheduled
      } finally {
        await engine.close();
      }
    });
    const mark = smtp.mails.length;
    const at = T0 + 2 * 60_000;
    await vault.json(['tick'], fake(at));
    await smtp.waitFor((mails) => mails.length > mark);
    const warning = smtp.since(mark).find((m) => m.rcptTo[0] === 'owner@example.org')!;
    const link = /https:\/\/afterword\.example\.org\/checkin\/[\w-]+\.[\w-]+\.[\w-]+/.exec(warning.text)?.[0];
    expect(link, warning.text).toBeDefined();

    // The same vault served (in process, same fake time): the link opens, then checks in once.
    const clock = new ManualClock(at + 60_000);
    const app = new AppCore({ vaultDir: vault.dir, clock, keyStore: new FileKeyStore(vault.keyDir), scrypt: SCRYPT });
    const runner = await startRunner({ app, clock, host: '127.0.0.1', port: 0 });
    try {
      const owner = new HttpClient(runner.url);
      await owner.data('vault.unlock', { password: vault.password });
      const path = new URL(link!).pathname;
      expect((await owner.request(path)).status).toBe(200);
      expect((await owner.request(path, { method: 'POST' })).status).toBe(200);
      expect((await owner.request(path, { method: 'POST' })).status).toBe(410);
    } finally {
      await runner.close();
    }
  });
});

describe('afterword token', () => {
  it('adds, lists and removes tokens; the token is shown once', async () => {
    const vault = await CliVault.create(temp, 'tokens');
    await vault.init();
    const added = await vault.json<{ id: string; token: string }>([
      'token',
      'add',
      '--role',
      'checkin',
      '--label',
      'phone',
    ]);
    expect(added.id).toMatch(/^tok_/);
    expect(added.token).toMatch(/^aw_checkin_[\w-]{43}$/);
    const list = await vault.json<{ id: string; role: string; label: string; lastUsedAt: number | null }[]>([
      'token',
      'list',
    ]);
    expect(list).toEqual([
      expect.objectContaining({ id: added.id, role: 'checkin', label: 'phone', lastUsedAt: null }),
    ]);
    expect(JSON.stringify(list)).not.toContain(added.token);
    expect((await vault.run(['token', 'add', '--role', 'admin', '--json'])).code).toBe(1);
    expect(await vault.json(['token', 'rm', added.id])).toEqual({ id: added.id, removed: true });
    expect((await vault.run(['token', 'rm', added.id, '--json'])).code).toBe(4);
    expect(await vault.json(['token', 'list'])).toEqual([]);
  });
});
