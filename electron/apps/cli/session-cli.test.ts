// `afterword unlock` / `afterword lock` as a user runs them, through the compiled CLI: a session key in
// AFTERWORD_SESSION stands in for the password until it expires, is locked, or the password changes.
// The wall clock is moved with AFTERWORD_FAKE_NOW and the machine's monotonic clock is read ahead with
// AFTERWORD_FAKE_ELAPSED_MS (each only with AFTERWORD_ALLOW_FAKE_CLOCK=1).
import { spawn } from 'node:child_process';
import { cp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI_BIN,
  CliVault,
  TempDirs,
  TEST_PASSWORD,
  assertCliBuilt,
  cleanEnv,
  describeResult,
  parseJsonStdout,
  useWeakTestKdf,
  type CliResult,
  type EnvOverrides,
} from './test-support/run-cli.js';
import { initOnceAndCopy } from './test-support/init-once-and-copy.js';
import { importBuilt } from './test-support/import-built.js';

const temp = new TempDirs();
useWeakTestKdf();
beforeAll(() => assertCliBuilt());
afterAll(() => temp.cleanup());
/** One vault set up once (`init`); every test works on its own copy of it. */
const base = initOnceAndCopy(temp);

const NO_PASSWORD = { AFTERWORD_PASSWORD: undefined } as const;
const SESSION = /^export AFTERWORD_SESSION=([A-Za-z0-9_-]{43})\n$/;

const fakeNow = (at: number): EnvOverrides => ({
  AFTERWORD_ALLOW_FAKE_CLOCK: '1',
  AFTERWORD_FAKE_NOW: new Date(at).toISOString(),
});

interface Opened {
  session: string;
  expiresAt: string;
}

/** A vault of its own for one test: a copy of the base vault. */
const newVault = (label: string): Promise<CliVault> => base.copy(label);

/** `afterword unlock --json`: the session key and its expiry. */
async function unlock(v: CliVault, args: string[] = [], env: EnvOverrides = {}): Promise<Opened> {
  return v.json<Opened>(['unlock', ...args], env);
}

/** A command with the session and without AFTERWORD_PASSWORD. */
function withSession(v: CliVault, session: string, args: string[], env: EnvOverrides = {}): Promise<CliResult> {
  return v.run(args, { ...NO_PASSWORD, AFTERWORD_SESSION: session, ...env });
}

function errorOf(result: CliResult): { code: string; message: string } {
  return parseJsonStdout<{ error: { code: string; message: string } }>(result).error;
}

async function expectRefused(result: CliResult, code: string, message?: RegExp): Promise<void> {
  expect(result.code, describeResult(result)).toBe(2);
  const error = errorOf(result);
  expect(error.code, describeResult(result)).toBe(code);
  if (message) expect(error.message).toMatch(message);
}

async function sessionFiles(v: CliVault): Promise<string[]> {
  return (await readdir(v.keyDir).catch(() => [] as string[])).filter((name) => name.endsWith('.session'));
}

/** The vault key itself, taken out with the password through the built core (to look for it elsewhere). */
async function vaultKeyOf(v: CliVault): Promise<Buffer> {
  const { Vault } = await importBuilt<typeof import('../../core/vault/vault.js')>('core/vault/vault.ts');
  const { TEST_SCRYPT_FLOOR } = await importBuilt<typeof import('../../core/crypto/kdf.js')>('core/crypto/kdf.ts');
  const vault = await Vault.open(v.dir, {
    clock: { now: () => Date.now(), monotonic: () => performance.now() },
    kdfFloor: TEST_SCRYPT_FLOOR,
  });
  try {
    await vault.unlock(TEST_PASSWORD);
    return Buffer.from(vault.contentKey.key);
  } finally {
    await vault.close();
  }
}

function auditRows(v: CliVault): { action: string; method: string | null }[] {
  const db = new Database(join(v.dir, 'vault.db'), { readonly: true });
  try {
    return db
      .prepare("SELECT action, json_extract(detail, '$.method') AS method FROM audit_log ORDER BY seq")
      .all() as { action: string; method: string | null }[];
  } finally {
    db.close();
  }
}

/** Runs `script` in sh with the vault's environment (no session), as a user's shell would. */
function shell(v: CliVault, script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], {
      env: { ...cleanEnv(v.env()), CLI: CLI_BIN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

// Every test has its own vault and key folder: they run side by side.
describe.concurrent('afterword unlock', { timeout: 180_000 }, () => {
  it('eval "$(afterword unlock)" sets AFTERWORD_SESSION only; later commands need no password', async () => {
    const v = await newVault('unlock');
    const text = await v.run(['unlock']);
    expect(text.code, describeResult(text)).toBe(0);
    expect(text.stdout).toMatch(SESSION);
    expect(text.stderr).toMatch(/session open until \S+Z \(30m\); afterword lock ends it/);

    const evaluated = await shell(
      v,
      'eval "$(node "$CLI" unlock)" && unset AFTERWORD_PASSWORD && env | grep ^AFTERWORD_ | sort && node "$CLI" status --json',
    );
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const names = evaluated.stdout
      .split('\n')
      .filter((line) => line.startsWith('AFTERWORD_'))
      .map((line) => line.split('=')[0]);
    // Besides what the shell had (no password any more), the session key and nothing else.
    const before = Object.keys(v.env()).filter((name) => name !== 'AFTERWORD_PASSWORD');
    expect(names.sort()).toEqual([...before, 'AFTERWORD_SESSION'].sort());
    expect(evaluated.stdout).toMatch(/"plans"/);

    // The session of the first `unlock`, without AFTERWORD_PASSWORD: status, and a password command.
    const session = SESSION.exec(text.stdout)![1]!;
    const status = await withSession(v, session, ['status', '--json']);
    expect(status.code, describeResult(status)).toBe(0);
    const list = await withSession(v, session, ['message', 'list', '--json']);
    expect(list.code, describeResult(list)).toBe(0);
    expect(parseJsonStdout<{ total: number }>(list).total).toBe(0);
    const added = await withSession(v, session, ['recipient', 'add', '--name', 'Alex', '--email', 'alex@example.org']);
    expect(added.code, describeResult(added)).toBe(0);

    // Without either, the password is needed as before.
    const none = await v.run(['status', '--json'], NO_PASSWORD);
    expect(none.code, describeResult(none)).toBe(1);
    expect(errorOf(none).message).toMatch(/AFTERWORD_PASSWORD/);

    // The sign-in and every use are in the tamper-evident log, which still verifies.
    const rows = auditRows(v);
    expect(rows.filter((r) => r.action === 'vault.session_started')).toHaveLength(2);
    expect(rows.filter((r) => r.action === 'vault.unlocked' && r.method === 'session').length).toBeGreaterThanOrEqual(
      4,
    );
    const verified = await withSession(v, session, ['audit', 'verify', '--json']);
    expect(verified.code, describeResult(verified)).toBe(0);
  });

  it('--json is {session, expiresAt}; --timeout sets the length (at most 1d); the password is always needed', async () => {
    const v = await newVault('json');
    const before = Date.now();
    const opened = await unlock(v, ['--timeout', '2h']);
    expect(Object.keys(opened).sort()).toEqual(['expiresAt', 'session']);
    expect(opened.session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const expiresAt = Date.parse(opened.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 2 * 3_600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 2 * 3_600_000);
    const standard = Date.parse((await unlock(v)).expiresAt);
    expect(standard).toBeLessThanOrEqual(Date.now() + 30 * 60_000);
    expect(standard).toBeGreaterThan(Date.now() + 25 * 60_000);

    for (const bad of ['2d', '30s', 'soon']) {
      const refused = await v.run(['unlock', '--timeout', bad, '--json']);
      expect(refused.code, describeResult(refused)).toBe(1);
      expect(errorOf(refused)).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^--timeout/) });
    }
    // A session does not make another one (it could be drawn out for ever): unlock asks for the password.
    const chained = await withSession(v, opened.session, ['unlock', '--json']);
    expect(chained.code, describeResult(chained)).toBe(1);
    expect(errorOf(chained).message).toMatch(/no password given/);
    const wrong = await v.run(['unlock', '--json'], { AFTERWORD_PASSWORD: 'not the password' });
    await expectRefused(wrong, 'WRONG_PASSWORD');
  });

  it('keeps the vault key only sealed, in a 0600 record in the 0700 key folder', async () => {
    const v = await newVault('record');
    const opened = await unlock(v);
    const [file, ...more] = await sessionFiles(v);
    expect(more).toEqual([]);
    const path = join(v.keyDir, file!);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(v.keyDir)).mode & 0o777).toBe(0o700);

    const raw = await readFile(path);
    const record = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(record).sort()).toEqual(
      [
        'createdAt',
        'expiresAt',
        'format',
        'generation',
        'monotonicAt',
        'nonce',
        'sessionId',
        'vaultId',
        'wrappedKey',
      ].sort(),
    );
    expect(record.expiresAt).toBe(Date.parse(opened.expiresAt));
    const vaultKey = await vaultKeyOf(v);
    const sessionKey = Buffer.from(opened.session, 'base64url');
    expect(vaultKey).toHaveLength(32);
    for (const secret of [vaultKey, sessionKey]) {
      expect(raw.includes(secret)).toBe(false);
      for (const encoding of ['hex', 'base64', 'base64url'] as const)
        expect(raw.toString('utf8')).not.toContain(secret.toString(encoding));
    }
    const ok = await withSession(v, opened.session, ['status', '--json']);
    expect(ok.code, describeResult(ok)).toBe(0);
  });

  it('expires on the wall clock; a clock set back past its start ends it too', async () => {
    const v = await newVault('expiry');
    const start = Date.UTC(2031, 0, 1, 9, 0, 0);
    const opened = await unlock(v, [], fakeNow(start));
    // The fake clock runs on from where it was set: the expiry is 30 minutes after the unlock.
    const expiresAt = Date.parse(opened.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(start + 30 * 60_000);
    expect(expiresAt).toBeLessThan(start + 31 * 60_000);

    const inTime = await withSession(v, opened.session, ['status', '--json'], fakeNow(start + 29 * 60_000));
    expect(inTime.code, describeResult(inTime)).toBe(0);
    const late = await withSession(v, opened.session, ['status', '--json'], fakeNow(start + 31 * 60_000));
    await expectRefused(late, 'SESSION_EXPIRED', /expired at 2031-01-01T09:30/);
    // Its stored copy is gone with it.
    expect(await sessionFiles(v)).toEqual([]);

    const again = await unlock(v, [], fakeNow(start));
    const setBack = await withSession(v, again.session, ['message', 'list', '--json'], fakeNow(start - 3_600_000));
    await expectRefused(setBack, 'SESSION_EXPIRED', /set back/);
  });

  it('a wall clock set back within its time does not lengthen it: the monotonic clock ends it', async () => {
    const v = await newVault('monotonic');
    const start = Date.UTC(2031, 0, 1, 9, 0, 0);
    const opened = await unlock(v, ['--timeout', '1m'], fakeNow(start));
    // A minute passes on the monotonic clock (read 61 s ahead), while the wall clock says ten seconds did.
    const aMinuteLater = { ...fakeNow(start + 10_000), AFTERWORD_FAKE_ELAPSED_MS: '61000' };
    const result = await withSession(v, opened.session, ['status', '--json'], aMinuteLater);
    await expectRefused(result, 'SESSION_EXPIRED', /1 minutes have passed/);
    expect(result.stderr).toMatch(/warning: the monotonic clock is read 61000 ms ahead/);

    // Without AFTERWORD_ALLOW_FAKE_CLOCK=1 the knob moves nothing: a session just opened still works
    // (read an hour ahead, its ten minutes would be over).
    const now = await unlock(v, ['--timeout', '10m']);
    const ignored = await withSession(v, now.session, ['status', '--json'], { AFTERWORD_FAKE_ELAPSED_MS: '3600000' });
    expect(ignored.code, describeResult(ignored)).toBe(0);
    expect(ignored.stderr).not.toMatch(/monotonic clock is read/);
  });

  it('lock ends it, with or without the session in the environment, and says whether one was open', async () => {
    const v = await newVault('lock');
    const first = await unlock(v);
    const locked = await v.json<{ wasOpen: boolean; ended: number }>(['lock'], NO_PASSWORD);
    expect(locked).toEqual({ wasOpen: true, ended: 1 });
    expect(await sessionFiles(v)).toEqual([]);
    await expectRefused(
      await withSession(v, first.session, ['status', '--json']),
      'SESSION_INVALID',
      /no such session/,
    );

    const second = await unlock(v);
    const text = await withSession(v, second.session, ['lock']);
    expect(text.code, describeResult(text)).toBe(0);
    expect(text.stdout).toMatch(/^Locked: the session is over/);
    await expectRefused(await withSession(v, second.session, ['status', '--json']), 'SESSION_INVALID');

    const nothing = await v.run(['lock'], NO_PASSWORD);
    expect(nothing.code, describeResult(nothing)).toBe(0);
    expect(nothing.stdout).toBe('No session was open.\n');
    expect(await v.json(['lock'], NO_PASSWORD)).toEqual({ wasOpen: false, ended: 0 });
  });

  it('refuses a wrong session key, a malformed one and one of another vault (exit 2); AFTERWORD_PASSWORD stands in', async () => {
    const v = await newVault('wrong');
    // Another vault of the same user: its sessions are kept in the same key folder.
    const other = await CliVault.create(temp, 'other');
    const sameKeys = { AFTERWORD_KEY_DIR: v.keyDir };
    await other.json(['init'], sameKeys);
    const opened = await unlock(v);
    const theirs = await unlock(other, [], sameKeys);

    const random = Buffer.alloc(32, 7).toString('base64url');
    await expectRefused(await withSession(v, random, ['status', '--json']), 'SESSION_INVALID', /no such session/);
    await expectRefused(
      await withSession(v, 'not-a-key', ['status', '--json']),
      'SESSION_INVALID',
      /not a session key/,
    );
    await expectRefused(await withSession(v, theirs.session, ['status', '--json']), 'SESSION_INVALID', /another vault/);
    // The same session id with another key: the record does not open.
    const flipped = `${opened.session.slice(0, -2)}${opened.session.endsWith('AA') ? 'AQ' : 'AA'}`;
    await expectRefused(await withSession(v, flipped, ['status', '--json']), 'SESSION_INVALID');

    // With the password given too, it is used instead, and stderr says why.
    const fallback = await v.run(['status', '--json'], { AFTERWORD_SESSION: theirs.session });
    expect(fallback.code, describeResult(fallback)).toBe(0);
    expect(fallback.stderr).toMatch(/warning: .*another vault.*using AFTERWORD_PASSWORD instead/);
    // A wrong password stays wrong.
    const both = await v.run(['status', '--json'], { AFTERWORD_SESSION: random, AFTERWORD_PASSWORD: 'nope nope' });
    await expectRefused(both, 'WRONG_PASSWORD');

    // The sessions that were not touched still work.
    expect((await withSession(v, opened.session, ['status', '--json'])).code).toBe(0);
    expect((await withSession(other, theirs.session, ['status', '--json'], sameKeys)).code).toBe(0);
  });

  it('an edited record opens nothing: a later expiry written into it is refused', async () => {
    const v = await newVault('edited');
    const opened = await unlock(v);
    const [file] = await sessionFiles(v);
    const path = join(v.keyDir, file!);
    const record = JSON.parse(await readFile(path, 'utf8')) as { expiresAt: number };
    await writeFile(path, JSON.stringify({ ...record, expiresAt: record.expiresAt + 3_600_000 }), { mode: 0o600 });
    await expectRefused(
      await withSession(v, opened.session, ['status', '--json']),
      'SESSION_INVALID',
      /changed or damaged/,
    );
  });

  it('a password change or a recovery ends every session', async () => {
    const v = await newVault('passwd');
    const one = await unlock(v);
    const two = await unlock(v);
    // A new password is wrapped at the real KDF cost.
    const changed = await v.run(['passwd'], {
      AFTERWORD_NEW_PASSWORD: 'a new long password',
      AFTERWORD_SCRYPT_LOGN: '15',
    });
    expect(changed.code, describeResult(changed)).toBe(0);
    v.password = 'a new long password';
    expect(await sessionFiles(v)).toEqual([]);
    for (const { session } of [one, two])
      await expectRefused(await withSession(v, session, ['status', '--json']), 'SESSION_INVALID');

    const three = await unlock(v);
    const recovered = await v.run(['recover', '--recovery-key', base.recoveryKey()], {
      AFTERWORD_NEW_PASSWORD: 'yet another long password',
      AFTERWORD_SCRYPT_LOGN: '15',
    });
    expect(recovered.code, describeResult(recovered)).toBe(0);
    await expectRefused(await withSession(v, three.session, ['status', '--json']), 'SESSION_INVALID');
  });

  it('a vault put back to an older copy is still refused with a session (exit 3)', async () => {
    const v = await newVault('rollback');
    const opened = await unlock(v);
    const copy = join(v.root, 'older-copy');
    await cp(v.dir, copy, { recursive: true });
    const added = await withSession(v, opened.session, [
      'recipient',
      'add',
      '--name',
      'Sam',
      '--email',
      's@example.org',
    ]);
    expect(added.code, describeResult(added)).toBe(0);
    await rm(v.dir, { recursive: true, force: true });
    await cp(copy, v.dir, { recursive: true });
    const result = await withSession(v, opened.session, ['status', '--json']);
    expect(result.code, describeResult(result)).toBe(3);
    expect(errorOf(result).code).toBe('INTEGRITY');
  });
});
