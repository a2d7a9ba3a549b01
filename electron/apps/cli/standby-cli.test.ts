// `afterword standby init|add|list|rm`, black-box: the built CLI on a "primary" and on a "standby"
// (each with its own vault folder and key folder) against a real S3 server (s3rver on loopback);
// the standby's side unwraps with its own key folder, and Debian's age opens the same wrap.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { S3RVER_ENV, useCliS3rver } from './test-support/cli-s3rver.js';
import { filesUnder, findMarker } from '../../core/test-support/marker-scan.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { S3ObjectStore } from '../../node/s3-object-store.js';
import { loadStandby, STANDBY_CONFIG_FILE } from '../../core/standby/standby-setup.js';
import { unwrapStandbyPairing } from '../../core/standby/standby-unwrap.js';
import { StandbyNotPairedError } from '../../core/standby/pairing-errors.js';
import { CliVault, TempDirs, describeResult, parseJsonStdout, useWeakTestKdf } from './test-support/run-cli.js';

useWeakTestKdf();
const temp = new TempDirs();
const s3 = useCliS3rver({ conditionalWrites: true });
/** A server that stores every PUT whatever its conditions say: standby mode must be refused there. */
const plain = useCliS3rver();
const S3_ENV = S3RVER_ENV;
const bucketFlags = (prefix: string): string[] => s3.bucketFlags(prefix);
const FINGERPRINT = /^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/;

afterAll(() => temp.cleanup());

const objectDir = (prefix: string): string => join(s3.server.directory, s3.server.bucket, prefix);
const objectExists = (prefix: string, key: string): boolean => existsSync(s3.server.objectFile(`${prefix}/${key}`));
const readObject = async <T>(prefix: string, key: string): Promise<T> =>
  JSON.parse(await readFile(s3.server.objectFile(`${prefix}/${key}`), 'utf8')) as T;

async function standbyMachine(
  label: string,
  prefix: string,
): Promise<{ s: CliVault; code: string; fingerprint: string }> {
  const s = await CliVault.create(temp, label);
  const result = await s.run(['standby', 'init', ...bucketFlags(prefix), '--json'], S3_ENV);
  expect(result.code, describeResult(result)).toBe(0);
  const { code, fingerprint } = parseJsonStdout<{ code: string; fingerprint: string }>(result);
  return { s, code, fingerprint };
}

async function primaryWithTarget(label: string, prefix: string): Promise<CliVault> {
  const v = await CliVault.create(temp, label);
  await v.init();
  await v.json(['backup', 'target', 's3', ...bucketFlags(prefix)], S3_ENV);
  return v;
}

const storeFor = (prefix: string): S3ObjectStore =>
  new S3ObjectStore({
    endpoint: `http://127.0.0.1:${s3.server.port}`,
    bucket: s3.server.bucket,
    prefix,
    region: 'us-east-1',
    pathStyle: true,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
  });

describe('afterword standby', { timeout: 300_000 }, () => {
  it('init prints {code, fingerprint}, keeps no secret in its folder, writes a sign of life and refuses a second init', async () => {
    const { s, code, fingerprint } = await standbyMachine('standby-init', 'sb-init');
    expect(code).toMatch(/^age1[0-9a-z]{58}$/);
    expect(fingerprint).toMatch(FINGERPRINT);

    const configFile = join(s.dir, STANDBY_CONFIG_FILE);
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);
    const config = await readFile(configFile, 'utf8');
    expect(config).toContain(code);
    expect(config).not.toMatch(/AGE-SECRET-KEY|secretAccessKey/i);
    expect(objectExists('sb-init', `standby/alive/${fingerprint}`)).toBe(true);

    const again = await s.run(['standby', 'init', ...bucketFlags('sb-init'), '--json'], S3_ENV);
    expect(again.code, describeResult(again)).toBe(1);
    expect(parseJsonStdout<{ error: { code: string; message: string } }>(again).error).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(code),
    });
  });

  it('init refuses a server that ignores conditional writes, and keeps nothing', async () => {
    const s = await CliVault.create(temp, 'standby-plain');
    const refused = await s.run(['standby', 'init', ...plain.bucketFlags('sb-plain'), '--json'], S3_ENV);
    expect(refused.code, describeResult(refused)).toBe(1);
    expect(parseJsonStdout<{ error: { code: string; message: string } }>(refused).error).toMatchObject({
      code: 'STANDBY_UNSUPPORTED_SERVER',
      message: expect.stringContaining('conditional writes'),
    });
    expect(existsSync(join(s.dir, STANDBY_CONFIG_FILE))).toBe(false);
    expect(await filesUnder(s.keyDir)).toEqual([]);
    expect(await filesUnder(join(plain.server.directory, plain.server.bucket, 'sb-plain'))).toEqual([]);
  });

  it('add refuses without a backup target, a bad code, a bad name and a duplicate; list shows the sign of life', async () => {
    const { code, fingerprint } = await standbyMachine('standby-a', 'sb-add');
    const bare = await CliVault.create(temp, 'no-target');
    await bare.init();
    const untargeted = await bare.run(['standby', 'add', '--name', 'nas', '--code', code, '--json']);
    expect(untargeted.code, describeResult(untargeted)).toBe(1);
    expect(parseJsonStdout<{ error: { code: string } }>(untargeted).error.code).toBe('BACKUP_NOT_CONFIGURED');

    const v = await primaryWithTarget('primary-add', 'sb-add');
    const mistyped = `${code.slice(0, -1)}${code.endsWith('q') ? 'p' : 'q'}`;
    for (const bad of [mistyped, 'age1tooshort', 'hello']) {
      const refused = await v.run(['standby', 'add', '--name', 'nas', '--code', bad, '--json']);
      expect(refused.code, describeResult(refused)).toBe(1);
      expect(parseJsonStdout<{ error: { code: string; message: string } }>(refused).error).toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining('pairing code'),
      });
    }
    const badName = await v.run(['standby', 'add', '--name', 'My NAS', '--code', code, '--json']);
    expect(parseJsonStdout<{ error: { code: string } }>(badName).error.code).toBe('BAD_REQUEST');

    const added = await v.json<{ name: string; fingerprint: string }>([
      'standby',
      'add',
      '--name',
      'nas',
      '--code',
      code,
    ]);
    expect(added).toMatchObject({ name: 'nas', fingerprint });

    const other = await standbyMachine('standby-b', 'sb-add');
    const sameName = await v.run(['standby', 'add', '--name', 'nas', '--code', other.code, '--json']);
    expect(sameName.code, describeResult(sameName)).toBe(1);
    expect(parseJsonStdout<{ error: { code: string; message: string } }>(sameName).error).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('nas'),
    });
    const sameCode = await v.run(['standby', 'add', '--name', 'vps', '--code', ` ${code.toUpperCase()} `, '--json']);
    expect(parseJsonStdout<{ error: { code: string } }>(sameCode).error.code).toBe('CONFLICT');

    const listed = await v.json<{ standbys: unknown[]; bucketError: string | null }>(['standby', 'list']);
    expect(listed).toEqual({
      standbys: [{ name: 'nas', fingerprint, addedAt: expect.any(Number), lastSeen: expect.any(Number) }],
      bucketError: null,
    });
    const human = await v.run(['standby', 'list']);
    expect(human.stdout).toContain(fingerprint);
  });

  it('the standby unwraps the vault key with its own key folder (age agrees); rm revokes it; the bucket holds no key and no plaintext', async () => {
    const prefix = 'sb-unwrap';
    const v = await primaryWithTarget('primary-unwrap', prefix);
    const marker = `MARKER-${randomBytes(6).toString('hex')}`;
    await v.json(['message', 'add', '--title', `${marker} title`, '--body', `${marker} body`]);
    await v.json(['backup', 'now']);
    const { s, code, fingerprint } = await standbyMachine('standby-unwrap', prefix);
    await v.json(['standby', 'add', '--name', 'nas', '--code', code]);

    const loaded = await loadStandby(s.dir, new FileKeyStore(s.keyDir));
    expect(loaded?.config.fingerprint).toBe(fingerprint);
    const store = storeFor(prefix);
    const pairing = await unwrapStandbyPairing(store, loaded!.identity);
    const config = await readObject<{ vaultId: string; publicKey: string }>(prefix, 'config');
    expect(pairing).toMatchObject({ vaultId: config.vaultId, publicKey: config.publicKey, name: 'nas', fingerprint });
    expect(pairing.vaultKey).toHaveLength(32);

    // The wrap is a plain age file: Debian's age opens it with the standby's identity.
    const member = await readObject<{ wrap: string; signature: string }>(prefix, 'standby/members/nas');
    const identityFile = join(s.root, 'identity.txt');
    await writeFile(identityFile, `${loaded!.identity}\n`, { mode: 0o600 });
    const opened = execFileSync('age', ['-d', '-i', identityFile], { input: member.wrap });
    expect(Buffer.compare(opened, Buffer.from(pairing.vaultKey))).toBe(0);

    // A pin from before refuses a bucket whose config names another vault.
    await expect(
      unwrapStandbyPairing(store, loaded!.identity, { vaultId: 'other', publicKey: config.publicKey }),
    ).rejects.toMatchObject({ code: 'INTEGRITY' });

    const key = Buffer.from(pairing.vaultKey);
    for (const file of await filesUnder(objectDir(prefix))) {
      const bytes = await readFile(file);
      for (const needle of [key, Buffer.from(key.toString('hex')), Buffer.from(key.toString('base64').slice(0, 40))]) {
        expect(bytes.includes(needle), `${file} holds the vault key`).toBe(false);
      }
    }
    expect(await findMarker(objectDir(prefix), marker)).toEqual([]);

    const removed = await v.run(['standby', 'rm', 'nas']);
    expect(removed.code, describeResult(removed)).toBe(0);
    expect(removed.stdout).toMatch(/keeps what it has/);
    expect(await v.json(['standby', 'list'])).toEqual({ standbys: [], bucketError: null });
    expect(objectExists(prefix, 'standby/members/nas')).toBe(false);
    expect((await readObject<{ members: unknown[] }>(prefix, 'standby/roster')).members).toEqual([]);
    await expect(unwrapStandbyPairing(store, loaded!.identity)).rejects.toBeInstanceOf(StandbyNotPairedError);
    const missing = await v.run(['standby', 'rm', 'nas', '--json']);
    expect(missing.code, describeResult(missing)).toBe(4);
    store.close();

    const db = new Database(join(v.dir, 'vault.db'), { readonly: true });
    const rows = db.prepare("SELECT action, entity_id FROM audit_log WHERE action LIKE 'standby.%' ORDER BY seq").all();
    db.close();
    expect(rows).toEqual([
      { action: 'standby.added', entity_id: 'nas' },
      { action: 'standby.removed', entity_id: 'nas' },
    ]);
    expect(await v.json(['audit', 'verify'])).toEqual({ ok: true, problems: [] });
  });
});
