// `afterword export`, black-box: the built CLI writes the age file; the age-encryption package and
// the stock age binary open it (X25519 key and passphrase), the system's tar unpacks it, and every
// file is compared with the vault. Bad input is refused with a clear message and exit code; a 20 MB
// attachment is exported without being held in memory.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT } from '../../core/crypto/kdf.js';
import { createVaultServices, type VaultServices } from '../../core/services.js';
import {
  ageBinaryMissing,
  decryptWithAgeBinary,
  decryptWithPackage,
  expectExportMatchesVault,
  untar,
} from '../../core/test-support/age-export.js';
import { Vault } from '../../core/vault/vault.js';
import { systemClock } from '../../node/system-clock.js';
import { CLI_BIN, CliVault, TempDirs, assertCliBuilt, cleanEnv, describeResult } from './test-support/run-cli.js';

const temp = new TempDirs();
const PASSPHRASE = 'four words, long enough';
let identity: string;
let recipient: string;

beforeAll(async () => {
  assertCliBuilt();
  identity = await generateX25519Identity();
  recipient = await identityToRecipient(identity);
});
afterAll(() => temp.cleanup());

/** A vault made through the CLI: two recipients, three messages, attachments (one of `attachmentBytes`). */
async function filledVault(label: string, attachmentBytes = 100_000): Promise<CliVault> {
  const v = await CliVault.create(temp, label);
  await v.init();
  const alex = await v.json<{ id: string }>(['recipient', 'add', '--name', 'Alex', '--email', 'alex@example.org']);
  const phone = await v.json<{ id: string }>([
    'recipient',
    'add',
    '--name',
    '亚历的手机',
    '--webhook',
    'https://ntfy.example.org/alex',
  ]);
  const big = join(v.root, 'photo.jpg');
  writeFileSync(big, randomBytes(attachmentBytes));
  const note = join(v.root, 'note.txt');
  writeFileSync(note, 'a small note\n');
  const letter = join(v.root, 'letter.txt');
  writeFileSync(letter, 'Dear Alex,\nthe keys are in the blue box.\n');
  await v.json([
    'message',
    'add',
    '--title',
    'For Alex',
    '--body-file',
    letter,
    '--to',
    alex.id,
    '--attach',
    big,
    '--attach',
    note,
  ]);
  await v.json(['message', 'add', '--title', '给家人', '--body', '你好', '--to', phone.id, '--draft']);
  await v.json(['message', 'add', '--title', 'Nobody yet', '--body', 'later']);
  return v;
}

/** The vault as the core reads it (the CLI has exited), for comparing. */
async function withServices<T>(v: CliVault, fn: (services: VaultServices) => Promise<T>): Promise<T> {
  const vault = await Vault.open(v.dir, { clock: systemClock, scrypt: { ...DEFAULT_SCRYPT, logN: 15 } });
  try {
    await vault.unlock(v.password);
    return await fn(createVaultServices(vault, systemClock));
  } finally {
    await vault.close();
  }
}

async function expectMatches(
  v: CliVault,
  tar: string,
  label: string,
): Promise<{ messages: number; attachments: number }> {
  const files = await untar(tar, join(v.root, `plain-${label}`));
  return withServices(v, (services) => expectExportMatchesVault(files, services));
}

describe('afterword export', { timeout: 300_000 }, () => {
  let v: CliVault;
  beforeAll(async () => {
    v = await filledVault('export');
  }, 120_000);

  it('--recipient: --json says what was written; the package and stock age open it; it holds the vault', async () => {
    const out = join(v.root, 'x25519.tar.age');
    const result = await v.json<{ out: string; bytes: number; messages: number; attachments: number }>([
      'export',
      '--out',
      out,
      '--recipient',
      recipient,
    ]);
    expect(result).toEqual({ out, bytes: (await stat(out)).size, messages: 3, attachments: 2 });
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const tar = join(v.root, 'x25519-package.tar');
    await writeFile(tar, await decryptWithPackage(out, { identity }));
    expect(await expectMatches(v, tar, 'x25519-package')).toEqual({ messages: 3, attachments: 2 });
    const missing = ageBinaryMissing();
    if (missing) {
      console.warn(`skipped: ${missing}`);
      return;
    }
    await decryptWithAgeBinary(out, join(v.root, 'x25519-age.tar'), { identity }, v.root);
    await expectMatches(v, join(v.root, 'x25519-age.tar'), 'x25519-age');
  });

  it('--passphrase from AFTERWORD_EXPORT_PASSPHRASE: the package and stock age open it with the passphrase', async () => {
    const out = join(v.root, 'passphrase.tar.age');
    const result = await v.run(['export', '--out', out, '--passphrase'], { AFTERWORD_EXPORT_PASSPHRASE: PASSPHRASE });
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toMatch(/Exported 3 message\(s\) and 2 attachment\(s\)/);
    expect(result.stdout).toContain('age -d -o afterword-export.tar');
    const tar = join(v.root, 'passphrase-package.tar');
    await writeFile(tar, await decryptWithPackage(out, { passphrase: PASSPHRASE }));
    await expectMatches(v, tar, 'passphrase-package');
    const missing = ageBinaryMissing();
    if (missing) {
      console.warn(`skipped: ${missing}`);
      return;
    }
    await decryptWithAgeBinary(out, join(v.root, 'passphrase-age.tar'), { passphrase: PASSPHRASE }, v.root);
    await expectMatches(v, join(v.root, 'passphrase-age.tar'), 'passphrase-age');
  });

  it('Ctrl-C in the middle leaves nothing: no export, no temporary file, exit 130', async () => {
    const folder = join(v.root, 'interrupted');
    await mkdir(folder);
    const out = join(folder, 'stopped.tar.age');
    const child = spawn(process.execPath, [CLI_BIN, 'export', '--out', out, '--passphrase'], {
      env: cleanEnv({ ...v.env(), AFTERWORD_EXPORT_PASSPHRASE: PASSPHRASE }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // The temporary file appears before the passphrase's scrypt (about a second at age's cost) is done.
    while ((await readdir(folder)).length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await readdir(folder))[0]).toMatch(/^\.stopped\.tar\.age\.[0-9a-f]+\.tmp$/);
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(stderr).toContain('export interrupted: nothing was written');
    expect(await readdir(folder)).toEqual([]);
  });

  it('refuses an existing file, a bad recipient, a short passphrase and a passphrase on the command line, writing nothing', async () => {
    const existing = join(v.root, 'mine.age');
    await writeFile(existing, 'keep me');
    const cases: Array<[string[], Record<string, string>, number, RegExp]> = [
      [['--out', existing, '--recipient', recipient], {}, 1, /already exists: choose another --out path/],
      [['--out', join(v.root, 'a.age'), '--recipient', 'age1notakey'], {}, 1, /age recipient looks like age1/],
      [
        [
          '--out',
          join(v.root, 'b.age'),
          '--recipient',
          `${recipient.slice(0, -1)}${recipient.endsWith('q') ? 'p' : 'q'}`,
        ],
        {},
        1,
        /not a valid age public key/,
      ],
      [
        ['--out', join(v.root, 'c.age'), '--passphrase'],
        { AFTERWORD_EXPORT_PASSPHRASE: 'short' },
        1,
        /at least 8 characters/,
      ],
      [
        ['--out', join(v.root, 'd.age'), '--passphrase'],
        {},
        1,
        /set AFTERWORD_EXPORT_PASSPHRASE or run the command in a terminal/,
      ],
      [['--out', join(v.root, 'e.age'), '--passphrase', 'hunter2hunter2'], {}, 1, /--passphrase takes no value/],
      [['--out', join(v.root, 'f.age')], {}, 1, /choose how the export is encrypted/],
      [
        ['--out', join(v.root, 'g.age'), '--passphrase', '--recipient', recipient],
        { AFTERWORD_EXPORT_PASSPHRASE: PASSPHRASE },
        1,
        /choose how/,
      ],
      [['--out', join(v.root, 'no-such-folder', 'h.age'), '--recipient', recipient], {}, 1, /does not exist/],
      [
        ['--out', join(v.root, 'i.age'), '--recipient', recipient],
        { AFTERWORD_PASSWORD: 'not the password' },
        2,
        /password/i,
      ],
    ];
    for (const [args, env, code, message] of cases) {
      const result = await v.run(['export', ...args, '--json'], env);
      expect(result.code, `${args.join(' ')}: ${describeResult(result)}`).toBe(code);
      expect(result.stderr).toMatch(message);
      expect(JSON.parse(result.stdout)).toMatchObject({ error: { message: expect.stringMatching(message) } });
    }
    expect(await readFile(existing, 'utf8')).toBe('keep me');
    const left = (await readdir(v.root)).filter((n) => n.endsWith('.age') || n.endsWith('.tmp'));
    expect(left.sort()).toEqual(['mine.age', 'passphrase.tar.age', 'x25519.tar.age']);
  });
});

/** Runs the built CLI under the memory sampler; returns its exit code and the peak it printed. */
function exportMeasured(v: CliVault, out: string): Promise<{ code: number; peak: number; stderr: string }> {
  const sampler = join(import.meta.dirname, 'test-support', 'memory-peak.mjs');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', sampler, CLI_BIN, 'export', '--out', out, '--recipient', recipient],
      { env: cleanEnv(v.env()), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const peak = Number(/MEMORY_PEAK (\d+)/.exec(stderr)?.[1] ?? NaN);
      resolve({ code: code ?? -1, peak, stderr });
    });
  });
}

describe('afterword export of a large attachment', { timeout: 600_000 }, () => {
  it('exports a 20 MB attachment holding about as much memory as for a 100 KB one, byte for byte', async () => {
    const MB = 1024 * 1024;
    const small = await filledVault('export-small', 100_000);
    const large = await filledVault('export-large', 20 * MB);
    const smallRun = await exportMeasured(small, join(small.root, 'small.tar.age'));
    const largeRun = await exportMeasured(large, join(large.root, 'large.tar.age'));
    expect(smallRun.code, smallRun.stderr).toBe(0);
    expect(largeRun.code, largeRun.stderr).toBe(0);
    expect(Number.isFinite(largeRun.peak) && Number.isFinite(smallRun.peak)).toBe(true);
    // Held whole, the attachment alone (or its ciphertext) would add 20 MB.
    expect(largeRun.peak - smallRun.peak, `peaks: ${smallRun.peak} and ${largeRun.peak} bytes`).toBeLessThan(8 * MB);
    const tar = join(large.root, 'large.tar');
    await writeFile(tar, await decryptWithPackage(join(large.root, 'large.tar.age'), { identity }));
    expect(await expectMatches(large, tar, 'large')).toEqual({ messages: 3, attachments: 2 });
  });
});
