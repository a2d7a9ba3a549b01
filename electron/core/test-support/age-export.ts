// Test helpers for the age export: decrypt it with the age-encryption package or with the stock
// `age` binary, unpack it with the system's tar, and compare every file with the vault. Only for
// *.test.ts files.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Decrypter } from 'age-encryption';
import { expect } from 'vitest';
import type { VaultServices } from '../services.js';
import { filesUnder } from './marker-scan.js';

export const AGE_BIN = '/usr/bin/age';

/** Why the stock age binary cannot be used here (printed by the tests that skip), or null. */
export function ageBinaryMissing(): string | null {
  if (!existsSync(AGE_BIN))
    return `${AGE_BIN} is not installed (apt-get install age): the stock age checks are skipped`;
  if (!existsSync('/usr/bin/script'))
    return '/usr/bin/script (util-linux) is missing: age reads a passphrase from a terminal only';
  return null;
}

export type AgeKey = { identity: string } | { passphrase: string };

function run(command: string, args: readonly string[], input?: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr: Buffer.concat(err).toString() }));
    if (input === undefined) return;
    child.stdin!.on('error', () => undefined); // it may exit before reading all of it
    child.stdin!.end(input);
  });
}

/** Decrypts with the age-encryption package (the whole file in memory: tests only). */
export async function decryptWithPackage(file: string, key: AgeKey): Promise<Uint8Array> {
  const decrypter = new Decrypter();
  if ('identity' in key) decrypter.addIdentity(key.identity);
  else decrypter.addPassphrase(key.passphrase);
  return decrypter.decrypt(await readFile(file));
}

/**
 * Decrypts with the stock `age -d` into `out`. age reads a passphrase from the terminal only, so
 * it runs under `script`, which gives it one and types the passphrase in.
 */
export async function decryptWithAgeBinary(file: string, out: string, key: AgeKey, workDir: string): Promise<void> {
  let result;
  if ('identity' in key) {
    const keyFile = join(workDir, `key-${Date.now()}.txt`);
    await writeFile(keyFile, `${key.identity}\n`, { mode: 0o600 });
    result = await run(AGE_BIN, ['-d', '-i', keyFile, '-o', out, file]);
  } else {
    const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    result = await run(
      '/usr/bin/script',
      ['-qec', `${AGE_BIN} -d -o ${quote(out)} ${quote(file)}`, '/dev/null'],
      `${key.passphrase}\n`,
    );
  }
  if (result.code !== 0) throw new Error(`age -d failed (exit ${result.code}): ${result.stderr}`);
}

/** Unpacks a tar with the system's tar (an independent reader) and returns its files by path. */
export async function untar(tarFile: string, into: string): Promise<Map<string, Buffer>> {
  await mkdir(into, { recursive: true });
  const result = await run('tar', ['-xf', tarFile, '-C', into]);
  if (result.code !== 0) throw new Error(`tar -xf failed (exit ${result.code}): ${result.stderr}`);
  const files = new Map<string, Buffer>();
  for (const file of await filesUnder(into)) files.set(relative(into, file), await readFile(file));
  return files;
}

async function plaintextOf(services: VaultServices, attachmentId: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of services.messages.attachments.read(attachmentId)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

interface ExportedMessage {
  id: string;
  title: string;
  text: string;
  html: string | null;
  status: string;
  plan: { id: string; name: string; byDefault: boolean } | null;
  recipients: Array<{ id: string; name: string; type: string; contact: string }>;
  folder: string;
  attachments: Array<{ id: string; name: string; size: number; path: string }>;
}

/**
 * Every message (title, text, HTML, status, plan, recipients), attachment byte, recipient and plan
 * of the vault is in the unpacked export, and nothing else is. Returns the counts.
 */
export async function expectExportMatchesVault(
  files: Map<string, Buffer>,
  services: VaultServices,
): Promise<{ messages: number; attachments: number }> {
  const root = 'afterword-export';
  const file = (path: string): Buffer => {
    const found = files.get(`${root}/${path}`);
    if (!found) throw new Error(`the export has no ${path} (it has ${[...files.keys()].join(', ')})`);
    return found;
  };
  expect(file('README.txt').toString()).toContain('age -d');
  const exported = JSON.parse(file('messages.json').toString()) as ExportedMessage[];
  const { db } = services.context;
  const ids = db.q.all(db.kysely.selectFrom('messages').select('id').orderBy('created_at').orderBy('id'));
  expect(exported.map((m) => m.id)).toEqual(ids.map((r) => r.id));
  const expectedPaths = new Set(['README.txt', 'messages.json', 'plans.json', 'recipients.json']);
  let attachments = 0;
  for (const m of exported) {
    const vault = services.messages.get(m.id);
    expect(m.title).toBe(vault.title);
    expect(m.text).toBe(vault.body);
    expect(m.html).toBe(vault.bodyHtml);
    expect(m.status).toBe(vault.status);
    expect(m.plan?.id ?? null).toBe(vault.planId ?? services.plans.defaultPlanId());
    expect(m.recipients).toEqual(vault.recipients.map(({ id, name, type, contact }) => ({ id, name, type, contact })));
    expect(file(`${m.folder}/message.txt`).toString()).toBe(vault.body);
    expectedPaths.add(`${m.folder}/message.txt`);
    if (vault.bodyHtml === null) expect(files.has(`${root}/${m.folder}/message.html`)).toBe(false);
    else {
      expect(file(`${m.folder}/message.html`).toString()).toBe(vault.bodyHtml);
      expectedPaths.add(`${m.folder}/message.html`);
    }
    expect(m.attachments.map((a) => [a.id, a.name, a.size])).toEqual(
      vault.attachments.map((a) => [a.id, a.name, a.size]),
    );
    for (const a of m.attachments) {
      expect(file(a.path).equals(await plaintextOf(services, a.id)), `${a.path} differs from the vault`).toBe(true);
      expectedPaths.add(a.path);
      attachments++;
    }
  }
  const plans = JSON.parse(file('plans.json').toString()) as Array<{ id: string; name: string; isDefault: boolean }>;
  expect(plans.map(({ id, name, isDefault }) => ({ id, name, isDefault }))).toEqual(
    services.plans.list().map(({ id, name, isDefault }) => ({ id, name, isDefault })),
  );
  const recipients = JSON.parse(file('recipients.json').toString()) as Array<Record<string, unknown>>;
  expect(recipients.map(({ id, name, type, contact }) => ({ id, name, type, contact }))).toEqual(
    services.recipients.list().map(({ id, name, type, contact }) => ({ id, name, type, contact })),
  );
  expect(new Set([...files.keys()].map((p) => p.slice(root.length + 1)))).toEqual(expectedPaths);
  return { messages: exported.length, attachments };
}
