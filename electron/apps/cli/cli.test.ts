// Black-box tests of the `afterword` CLI: the compiled CLI runs as a child process against its own
// temporary vault per scenario (a copy of one vault made once, unless the scenario tests `init`). Scenarios are independent (own vault), so they run concurrently;
// the steps inside one scenario run in order.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import {
  CliVault,
  TempDirs,
  assertCliBuilt,
  describeResult,
  parseJsonStdout,
  type CliResult,
} from './test-support/run-cli.js';
import { initOnceAndCopy } from './test-support/init-once-and-copy.js';

const temp = new TempDirs();

beforeAll(() => assertCliBuilt());
afterAll(() => temp.cleanup());
/** One vault set up once (`init`); a scenario that does not test `init` itself works on a copy. */
const base = initOnceAndCopy(temp);
const initialized = (label: string): Promise<CliVault> => base.copy(label);

interface ErrorDoc {
  error: { code: string; message: string };
}

/**
 * The error contract: the exit code; one line `afterword: ...` on stderr without a stack trace;
 * with --json, exactly one `{"error":{code,message}}` document on stdout, else nothing there.
 */
function expectError(
  expect: ExpectStatic,
  result: CliResult,
  exit: number,
  json: boolean,
): ErrorDoc['error'] | undefined {
  expect(result.code, describeResult(result)).toBe(exit);
  const lines = result.stderr.split('\n').filter((l) => l.length > 0);
  expect(lines, describeResult(result)).toHaveLength(1);
  expect(lines[0]).toMatch(/^afterword: \S/);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  if (!json) {
    expect(result.stdout).toBe('');
    return undefined;
  }
  const doc = parseJsonStdout<ErrorDoc>(result);
  expect(Object.keys(doc)).toEqual(['error']);
  expect(doc.error).toEqual({ code: expect.any(String), message: expect.any(String) });
  expect(lines[0]).toBe(`afterword: ${doc.error.message}`);
  return doc.error;
}

function flipByte(bytes: Buffer, index: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

// Each scenario spawns 5–17 CLI processes; on a loaded machine that takes longer than the default timeout.
describe.concurrent('afterword CLI', { timeout: 180_000 }, () => {
  it('happy path: init, recipients, messages with an attachment, list, edit, rm, verify', async ({ expect }) => {
    const v = await CliVault.create(temp, 'happy');

    const created = await v.json<{ vaultDir: string; recoveryKey: string }>(['init']);
    expect(created.vaultDir).toBe(v.dir);
    expect(created.recoveryKey).toMatch(/^[0-9A-Z]{6}(-[0-9A-Z]{6}){5}$/);

    const [alice, hook] = await Promise.all([
      v.json<{ id: string }>(['recipient', 'add', '--name', 'Alice', '--email', 'alice@example.org']),
      v.json<{ id: string }>([
        'recipient',
        'add',
        '--name',
        'Family relay',
        '--webhook',
        'https://hooks.example.org/afterword',
      ]),
    ]);
    expect(alice.id).toMatch(/^rcp_/);
    const expectedRecipients = expect.arrayContaining([
      expect.objectContaining({ id: alice.id, name: 'Alice', contact: 'alice@example.org', type: 'email' }),
      expect.objectContaining({
        id: hook.id,
        name: 'Family relay',
        contact: 'https://hooks.example.org/afterword',
        type: 'webhook',
      }),
    ]);

    // A 300 KiB random attachment spans several 64 KiB chunks, the last one partial.
    const content = randomBytes(300 * 1024);
    const attachment = join(v.root, 'photo.bin');
    await writeFile(attachment, content);
    const bodyFile = join(v.root, 'letter.txt');
    const body = 'Dear Alice,\n\nthe key is under the blue pot. — with love 💙\n';
    await writeFile(bodyFile, body);
    const [recipients, letter, draft] = await Promise.all([
      v.json<unknown[]>(['recipient', 'list']),
      v.json<{ id: string }>([
        'message',
        'add',
        '--title',
        'For Alice',
        '--body-file',
        bodyFile,
        '--to',
        alice.id,
        '--to',
        hook.id,
        '--attach',
        attachment,
      ]),
      v.json<{ id: string }>(['message', 'add', '--title', 'Unfinished', '--body', 'later', '--draft']),
    ]);
    expect(recipients).toHaveLength(2);
    expect(recipients).toEqual(expectedRecipients);
    expect(letter.id).toMatch(/^msg_/);
    expect(await v.blobFiles()).toHaveLength(1);

    // The status names what would stop a delivery, in English with the command that fixes it.
    const statusText = await v.run(['status']);
    expect(statusText.code, statusText.stderr).toBe(0);
    expect(statusText.stdout).toContain(
      '! messages go to e-mail recipients but no SMTP account is set: run `afterword channel smtp …`',
    );
    expect(statusText.stdout).not.toContain('[object Object]');

    const [shown, list, page] = await Promise.all([
      v.json<Record<string, unknown>>(['message', 'show', letter.id]),
      v.json<{ total: number; items: Array<{ id: string; title: string; status: string }> }>(['message', 'list']),
      v.json<{ total: number; items: unknown[] }>(['message', 'list', '--limit', '1', '--offset', '1']),
    ]);
    expect(shown).toMatchObject({
      id: letter.id,
      title: 'For Alice',
      body,
      status: 'active',
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
    });
    expect(shown.recipients).toHaveLength(2);
    expect(shown.recipients).toEqual(expectedRecipients);
    expect(shown.attachments).toEqual([
      expect.objectContaining({ id: expect.stringMatching(/^att_/), name: 'photo.bin', size: content.length }),
    ]);
    const attId = (shown.attachments as Array<{ id: string }>)[0]!.id;
    expect(list.total).toBe(2);
    expect(list.items.map((m) => `${m.title}: ${m.status}`).sort()).toEqual(['For Alice: active', 'Unfinished: draft']);
    expect(page).toMatchObject({ total: 2 });
    expect(page.items).toHaveLength(1);

    // attachment get: byte-identical round trip; an existing --out is never overwritten without --force.
    const out = join(v.root, 'out.bin');
    const existing = join(v.root, 'existing.bin');
    await writeFile(existing, 'precious');
    const [got, refused] = await Promise.all([
      v.json<{ name: string; size: number; out: string }>(['attachment', 'get', letter.id, attId, '--out', out]),
      v.run(['attachment', 'get', letter.id, attId, '--out', existing]),
    ]);
    expect(got).toMatchObject({ name: 'photo.bin', size: content.length, out });
    expect((await readFile(out)).equals(content)).toBe(true);
    expect(expectError(expect, refused, 1, false)).toBeUndefined();
    expect(refused.stderr).toMatch(/already exists/);
    expect(await readFile(existing, 'utf8')).toBe('precious');

    await Promise.all([
      v.json(['attachment', 'get', letter.id, attId, '--out', existing, '--force']),
      v.json(['message', 'edit', letter.id, '--title', 'For Alice, v2', '--status', 'paused', '--to', alice.id]),
    ]);
    expect((await readFile(existing)).equals(content)).toBe(true);

    // A recipient that still receives a message cannot be removed; an unused one can.
    const [edited, inUse] = await Promise.all([
      v.json<{ title: string; status: string; body: string; recipients: unknown[] }>(['message', 'show', letter.id]),
      v.run(['recipient', 'rm', alice.id, '--json']),
      v.json(['recipient', 'rm', hook.id]),
      v.json(['message', 'rm', draft.id]),
    ]);
    expect(edited).toMatchObject({ title: 'For Alice, v2', status: 'paused', body });
    expect(edited.recipients).toHaveLength(1);
    expect(expectError(expect, inUse, 1, true)!.code).toBe('CONFLICT');

    await v.json(['message', 'rm', letter.id]);
    expect(await v.blobFiles()).toEqual([]);

    const [count, audit, doctor] = await Promise.all([
      v.messageCount(),
      v.json(['audit', 'verify']),
      v.json(['doctor']),
    ]);
    expect(count).toBe(0);
    expect(audit).toEqual({ ok: true, problems: [] });
    expect(doctor).toMatchObject({ ok: true, problems: [], warnings: [] });
  });

  it('recipient edit: renames and corrects the address in place; refuses the other kind of contact and nothing to change', async ({
    expect,
  }) => {
    const v = await initialized('edit');
    const bob = await v.json<{ id: string }>(['recipient', 'add', '--name', 'Bob', '--email', 'bob@example.org']);
    const edited = await v.json(['recipient', 'edit', bob.id, '--name', 'Bob (brother)', '--email', 'bob@example.net']);
    expect(edited).toMatchObject({ id: bob.id, name: 'Bob (brother)', contact: 'bob@example.net', type: 'email' });
    const [asWebhook, nothing, unknown] = await Promise.all([
      v.run(['recipient', 'edit', bob.id, '--webhook', 'https://hooks.example.org/x', '--json']),
      v.run(['recipient', 'edit', bob.id, '--json']),
      v.run(['recipient', 'edit', 'rcp_0000000000000000', '--name', 'X', '--json']),
    ]);
    expect(expectError(expect, asWebhook, 1, true)).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/--email/),
    });
    expect(expectError(expect, nothing, 1, true)).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/--name/),
    });
    expectError(expect, unknown, 4, true);
    expect(await v.json(['recipient', 'list'])).toEqual([
      expect.objectContaining({ id: bob.id, name: 'Bob (brother)', contact: 'bob@example.net' }),
    ]);
  });

  it('exit 1: invalid input and usage errors, with and without --json', async ({ expect }) => {
    const v = await initialized('usage');
    const [badEmail, badScheme, noBody, unknownCmd, unknownCmdHuman, badLimit, missingTitle] = await Promise.all([
      v.run(['recipient', 'add', '--name', 'Bob', '--email', 'bob.example.org', '--json']),
      v.run(['recipient', 'add', '--name', 'Hook', '--webhook', 'ftp://hooks.example.org/x', '--json']),
      v.run(['message', 'add', '--title', 'No body', '--json']),
      v.run(['frobnicate', '--json']),
      v.run(['frobnicate']),
      v.run(['message', 'list', '--limit', '0', '--json']),
      v.run(['message', 'add', '--body', 'x', '--json']),
    ]);
    expect(expectError(expect, badEmail, 1, true)).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/e-mail/),
    });
    expect(expectError(expect, badScheme, 1, true)).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/https:\/\//),
    });
    expect(expectError(expect, noBody, 1, true)).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/--body/),
    });
    expect(expectError(expect, unknownCmd, 1, true)).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/frobnicate/),
    });
    expectError(expect, unknownCmdHuman, 1, false);
    expect(unknownCmdHuman.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(expectError(expect, badLimit, 1, true)).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/--limit/),
    });
    expect(expectError(expect, missingTitle, 1, true)).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/--title/),
    });
    // Nothing was written by any of them; init twice refuses.
    const [count, recipients, again] = await Promise.all([
      v.messageCount(),
      v.json(['recipient', 'list']),
      v.run(['init', '--json']),
    ]);
    expect(count).toBe(0);
    expect(recipients).toEqual([]);
    expect(expectError(expect, again, 1, true)).toMatchObject({
      code: 'VAULT_EXISTS',
      message: expect.stringContaining(v.dir),
    });
  });

  it('exit 2 (wrong password) and exit 4 (unknown id, missing vault); --debug adds the stack', async ({ expect }) => {
    const v = await initialized('codes');
    const [wrong, wrongHuman, unknownId, unknownAttachment, noVault, debug] = await Promise.all([
      v.run(['message', 'list', '--json'], { AFTERWORD_PASSWORD: 'not the password' }),
      v.run(['message', 'list'], { AFTERWORD_PASSWORD: 'not the password' }),
      v.run(['message', 'show', 'msg_0000000000000000', '--json']),
      v.run([
        'attachment',
        'get',
        'msg_0000000000000000',
        'att_0000000000000000',
        '--out',
        join(v.root, 'x'),
        '--json',
      ]),
      v.run(['message', 'list', '--json'], { AFTERWORD_VAULT: join(v.root, 'nowhere') }),
      v.run(['message', 'show', 'msg_0000000000000000', '--debug']),
    ]);
    expect(expectError(expect, wrong, 2, true)!.code).toBe('WRONG_PASSWORD');
    expectError(expect, wrongHuman, 2, false);
    expect(wrongHuman.stderr).toMatch(/wrong password/);
    expect(expectError(expect, unknownId, 4, true)).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/msg_0000000000000000/),
    });
    expect(expectError(expect, unknownAttachment, 4, true)!.code).toBe('NOT_FOUND');
    expect(existsSync(join(v.root, 'x'))).toBe(false);
    expect(expectError(expect, noVault, 4, true)).toMatchObject({
      code: 'VAULT_NOT_FOUND',
      message: expect.stringMatching(/afterword init/),
    });
    expect(existsSync(join(v.root, 'nowhere'))).toBe(false);
    expect(debug.code).toBe(4);
    expect(debug.stderr).toMatch(/^afterword: message msg_0000000000000000 does not exist$/m);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });

  it('--vault DIR overrides AFTERWORD_VAULT', async ({ expect }) => {
    const v = await CliVault.create(temp, 'flag');
    const other = join(v.root, 'other-vault');
    const created = await v.json<{ vaultDir: string }>(['--vault', other, 'init']);
    expect(created.vaultDir).toBe(other);
    expect(existsSync(join(other, 'vault.db'))).toBe(true);
    expect(existsSync(v.dir)).toBe(false);
    await v.json(['message', 'add', '--vault', other, '--title', 'Here', '--body', 'b']);
    const [viaFlag, viaEnv] = await Promise.all([
      v.json<{ total: number }>(['--vault', other, 'message', 'list']),
      v.run(['message', 'list', '--json']),
    ]);
    expect(viaFlag.total).toBe(1);
    expect(expectError(expect, viaEnv, 4, true)!.code).toBe('VAULT_NOT_FOUND');
  });

  it('passwd: the old password stops working, the new one works, a wrong current one is refused', async ({
    expect,
  }) => {
    const v = await initialized('passwd');
    const { id } = await v.json<{ id: string }>([
      'message',
      'add',
      '--title',
      'Kept',
      '--body',
      'across password changes',
    ]);
    const old = v.password;
    const next = 'a brand new passphrase';

    const [wrongCurrent, tooShort] = await Promise.all([
      v.run(['passwd', '--json'], { AFTERWORD_PASSWORD: 'not the password', AFTERWORD_NEW_PASSWORD: next }),
      v.run(['passwd', '--json'], { AFTERWORD_NEW_PASSWORD: 'short' }),
    ]);
    expect(expectError(expect, wrongCurrent, 2, true)!.code).toBe('WRONG_PASSWORD');
    expect(expectError(expect, tooShort, 1, true)!.code).toBe('BAD_REQUEST');

    expect(await v.json(['passwd'], { AFTERWORD_NEW_PASSWORD: next })).toEqual({ ok: true });
    const [withOld, withNew] = await Promise.all([
      v.run(['message', 'show', id, '--json'], { AFTERWORD_PASSWORD: old }),
      v.json<{ title: string }>(['message', 'show', id], { AFTERWORD_PASSWORD: next }),
    ]);
    expect(expectError(expect, withOld, 2, true)!.code).toBe('WRONG_PASSWORD');
    expect(withNew.title).toBe('Kept');
  });

  it('recover: a typo in the recovery key is caught and named; 5 wrong passwords lock the vault (exit 2) until the recovery key sets a new one', async ({
    expect,
  }) => {
    const v = await initialized('recover');
    const recoveryKey = base.recoveryKey();
    const { id } = await v.json<{ id: string }>(['message', 'add', '--title', 'Survives recovery', '--body', 'b']);

    // One symbol of the first group changed to another symbol of the alphabet: the checksum catches it.
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const at = 3;
    const replacement = alphabet[(alphabet.indexOf(recoveryKey[at]!) + 7) % alphabet.length]!;
    const typo = recoveryKey.slice(0, at) + replacement + recoveryKey.slice(at + 1);
    const forgotten = 'I forgot the old one';
    const recoverEnv = { AFTERWORD_PASSWORD: undefined, AFTERWORD_NEW_PASSWORD: forgotten };
    const [typoed, garbage, ...wrong] = await Promise.all([
      v.run(['recover', '--recovery-key', typo, '--json'], recoverEnv),
      v.run(['recover', '--recovery-key', 'not-a-key', '--json'], recoverEnv),
      ...[1, 2, 3, 4, 5].map((n) =>
        v.run(['message', 'list', '--json'], { AFTERWORD_PASSWORD: `wrong password ${n}` }),
      ),
    ]);
    const typoError = expectError(expect, typoed, 2, true)!;
    expect(typoError.code).toBe('RECOVERY_KEY_INVALID');
    expect(typoError.message).toMatch(/typo/);
    expect(typoError.message).not.toContain(typo);
    expect(expectError(expect, garbage, 2, true)!.code).toBe('RECOVERY_KEY_INVALID');
    for (const result of wrong) expect(expectError(expect, result, 2, true)!.code).toBe('WRONG_PASSWORD');

    // Locked out: even the right password is not tried now.
    const locked = await v.run(['message', 'list', '--json']);
    expect(expectError(expect, locked, 2, true)).toMatchObject({
      code: 'LOCKED_OUT',
      message: expect.stringMatching(/recovery key/),
    });

    // The recovery key still works (typed in lower case, spaces instead of hyphens) and lifts the lockout.
    // Given as `-`, it is read from standard input, so that it never stands in the process list.
    const typed = recoveryKey.toLowerCase().replaceAll('-', ' ');
    const empty = await v.run(['recover', '--recovery-key', '-', '--json'], recoverEnv, '');
    expect(expectError(expect, empty, 1, true)).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/read nothing from standard input/),
    });
    const piped = await v.run(['recover', '--recovery-key', '-', '--json'], recoverEnv, `${typed}\n`);
    expect(piped.code, describeResult(piped)).toBe(0);
    expect(JSON.parse(piped.stdout)).toEqual({ ok: true });
    const [withOld, withNew] = await Promise.all([
      v.run(['message', 'list', '--json']),
      v.json<{ title: string }>(['message', 'show', id], { AFTERWORD_PASSWORD: forgotten }),
    ]);
    expect(expectError(expect, withOld, 2, true)!.code).toBe('WRONG_PASSWORD');
    expect(withNew.title).toBe('Survives recovery');
  });

  it('exit 3: a tampered ciphertext, blob or audit row is detected by show, attachment get, doctor and audit verify', async ({
    expect,
  }) => {
    const v = await initialized('tamper');
    const file = join(v.root, 'note.txt');
    await writeFile(file, 'attachment content '.repeat(100));
    const [tampered, intact] = await Promise.all([
      v.json<{ id: string }>(['message', 'add', '--title', 'Will be tampered', '--body', 'b']),
      v.json<{ id: string }>(['message', 'add', '--title', 'Intact', '--body', 'b', '--attach', file]),
    ]);
    const [shownIntact, doctorBefore] = await Promise.all([
      v.json<{ attachments: Array<{ id: string }> }>(['message', 'show', intact.id]),
      v.json(['doctor']),
    ]);
    const attId = shownIntact.attachments[0]!.id;
    expect(doctorBefore).toMatchObject({ ok: true });

    // Flip one bit of the title's ciphertext (past the 34-byte envelope header), and one bit in
    // the middle of the attachment's encrypted blob.
    const db = new Database(join(v.dir, 'vault.db'));
    try {
      const row = db.prepare('SELECT title FROM messages WHERE id = ?').get(tampered.id) as { title: Buffer };
      db.prepare('UPDATE messages SET title = ? WHERE id = ?').run(flipByte(row.title, 40), tampered.id);
    } finally {
      db.close();
    }
    const blobPath = join(v.dir, 'blobs', attId);
    const blob = await readFile(blobPath);
    await writeFile(blobPath, flipByte(blob, Math.floor(blob.length / 2)));

    const out = join(v.root, 'out.txt');
    const [show, list, showIntact, auditOk, get, doctor] = await Promise.all([
      v.run(['message', 'show', tampered.id, '--json']),
      v.run(['message', 'list', '--json']),
      v.json<{ title: string }>(['message', 'show', intact.id]),
      v.json(['audit', 'verify']),
      v.run(['attachment', 'get', intact.id, attId, '--out', out, '--json']),
      v.run(['doctor', '--json']),
    ]);
    expect(expectError(expect, show, 3, true)).toMatchObject({
      code: 'INTEGRITY',
      message: expect.stringMatching(/messages\.title/),
    });
    // One damaged row does not hide the others: it is listed as damaged, with what is wrong.
    expect(list.code, describeResult(list)).toBe(0);
    const listed = parseJsonStdout<{ items: Array<{ id: string; title: string; damaged?: string }> }>(list).items;
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: tampered.id, title: '', damaged: expect.stringMatching(/messages\.title/) }),
        expect.objectContaining({ id: intact.id, title: 'Intact' }),
      ]),
    );
    expect(listed.find((m) => m.id === intact.id)).not.toHaveProperty('damaged');
    expect(list.stderr).toMatch(/1 message is damaged and cannot be read: run `afterword doctor`/);
    expect(showIntact.title).toBe('Intact');
    expect(auditOk).toEqual({ ok: true, problems: [] });
    expect(expectError(expect, get, 3, true)!.code).toBe('INTEGRITY');
    expect(existsSync(out)).toBe(false);

    expect(doctor.code, describeResult(doctor)).toBe(3);
    const report = parseJsonStdout<{ ok: boolean; problems: string[]; warnings: string[] }>(doctor);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`messages.title of ${tampered.id}`),
        expect.stringContaining(`attachment ${attId}`),
      ]),
    );
    expect(doctor.stderr).not.toMatch(/^\s+at /m);

    // A vault.db that is not a database at all.
    const garbage = join(v.root, 'garbage');
    await mkdir(garbage);
    await writeFile(join(garbage, 'vault.db'), randomBytes(8192));
    const notADb = await v.run(['message', 'list', '--json'], { AFTERWORD_VAULT: garbage });
    expect(expectError(expect, notADb, 3, true)).toMatchObject({
      code: 'INTEGRITY',
      message: expect.stringMatching(/damaged/),
    });

    // Edit an audit row with a raw SQLite editor (its append-only triggers dropped first).
    const raw = new Database(join(v.dir, 'vault.db'));
    try {
      raw.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
      const changed = raw.prepare(`UPDATE audit_log SET detail = '{"forged":true}' WHERE seq = 2`).run();
      expect(changed.changes).toBe(1);
    } finally {
      raw.close();
    }
    const verify = await v.run(['audit', 'verify', '--json']);
    expect(verify.code, describeResult(verify)).toBe(3);
    const verdict = parseJsonStdout<{ ok: boolean; problems: Array<{ seq: number | null; problem: string }> }>(verify);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContainEqual({ seq: 2, problem: expect.stringMatching(/edited/) });
  });
});
