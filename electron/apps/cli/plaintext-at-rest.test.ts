// Nobody who finds the vault directory can read the messages: a random marker written through the
// CLI as every kind of user content comes back through the CLI, yet appears in no file of the vault,
// neither while the write-ahead log holds the latest writes nor after everything is closed.
import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { filesUnder, findMarker } from '../../core/test-support/marker-scan.js';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliVault, TempDirs, assertCliBuilt } from './test-support/run-cli.js';

const temp = new TempDirs();
beforeAll(() => assertCliBuilt());
afterAll(() => temp.cleanup());

describe('plaintext at rest', { timeout: 120_000 }, () => {
  it('a marker used as title, body, formatted body, recipient name, e-mail, webhook URL, attachment name and content is found by the CLI and in no vault file', async () => {
    const marker = `MARKER-${randomBytes(8).toString('hex')}`;
    const v = await CliVault.create(temp, 'plaintext');
    await v.init();

    // Pin a read snapshot so that SQLite cannot checkpoint and remove the WAL: the CLI's writes
    // stay in vault.db-wal, the file an attacker would find after a crash or while the app runs.
    const reader = new Database(join(v.dir, 'vault.db'), { readonly: true });
    try {
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) AS n FROM messages').get();

      const attachment = join(v.root, `${marker}.txt`);
      const content = `${marker}\n`.repeat(2000) + Buffer.from(marker, 'utf16le').toString('latin1');
      await writeFile(attachment, content, 'latin1');
      const bodyFile = join(v.root, 'body.txt');
      await writeFile(bodyFile, `Dear ${marker},\n${marker}`);
      const htmlFile = join(v.root, 'body.html');
      await writeFile(htmlFile, `<p>Dear <strong>${marker}</strong>,</p><ul><li><em>${marker}</em></li></ul>`);

      const hookUrl = `https://${marker.toLowerCase()}.example.org/hooks/${marker}`;
      const [recipient, hook] = await Promise.all([
        v.json<{ id: string }>(['recipient', 'add', '--name', marker, '--email', `${marker}@example.org`]),
        v.json<{ id: string }>(['recipient', 'add', '--name', `hook ${marker}`, '--webhook', hookUrl]),
      ]);
      const message = await v.json<{ id: string }>([
        'message',
        'add',
        '--title',
        marker,
        '--body-file',
        bodyFile,
        '--html-file',
        htmlFile,
        '--to',
        recipient.id,
        '--to',
        hook.id,
        '--attach',
        attachment,
      ]);
      const [shown, recipients] = await Promise.all([
        v.json<{
          title: string;
          body: string;
          bodyHtml: string | null;
          recipients: Array<{ name: string; contact: string }>;
          attachments: Array<{ id: string; name: string }>;
        }>(['message', 'show', message.id]),
        v.json<Array<{ name: string; contact: string }>>(['recipient', 'list']),
      ]);
      expect(shown.title).toBe(marker);
      expect(shown.body).toBe(`Dear ${marker},\n${marker}`);
      expect(shown.bodyHtml).toBe(`<p>Dear <strong>${marker}</strong>,</p><ul><li><em>${marker}</em></li></ul>`);
      const expected = [
        { name: marker, contact: `${marker}@example.org` },
        { name: `hook ${marker}`, contact: hookUrl },
      ];
      expect(shown.recipients).toEqual(expect.arrayContaining(expected.map((r) => expect.objectContaining(r))));
      expect(shown.attachments).toMatchObject([{ name: `${marker}.txt` }]);
      expect(recipients).toEqual(expect.arrayContaining(expected.map((r) => expect.objectContaining(r))));
      expect(recipients).toHaveLength(2);
      const out = join(v.root, 'out.txt');
      await v.json(['attachment', 'get', message.id, shown.attachments[0]!.id, '--out', out]);
      expect(await readFile(out, 'latin1')).toBe(content);

      const wal = await stat(join(v.dir, 'vault.db-wal'));
      expect(wal.size).toBeGreaterThan(0);
      expect(await filesUnder(join(v.dir, 'blobs'))).toHaveLength(1);
      expect(await findMarker(v.dir, marker)).toEqual([]);
    } finally {
      reader.exec('COMMIT');
      reader.close();
    }

    // With the snapshot released, the next CLI run checkpoints everything into vault.db and,
    // being the last connection, removes the WAL.
    expect((await v.json<{ items: Array<{ title: string }> }>(['message', 'list'])).items[0]!.title).toBe(marker);
    const files = (await filesUnder(v.dir)).map((f) => relative(v.dir, f));
    expect(files).toContain('vault.db');
    expect(files).not.toContain('vault.db-wal');
    expect(await findMarker(v.dir, marker)).toEqual([]);
  });

  it('the two-step sign-in secret and its recovery codes are in no vault file', async () => {
    const v = await CliVault.create(temp, 'mfa');
    await v.init();
    const { secret, recoveryCodes } = await v.json<{ secret: string; recoveryCodes: string[] }>(['mfa', 'enable']);
    for (const needle of [secret, ...recoveryCodes, ...recoveryCodes.map((code) => code.replace('-', ''))]) {
      expect(await findMarker(v.dir, needle)).toEqual([]);
    }
  });

  it("a server answer that echoes the owner's address (550 <owner@…>) is stored without it", async () => {
    const marker = `marker-${randomBytes(8).toString('hex')}`;
    const owner = `${marker}@example.org`;
    const refusing = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      disableReverseLookup: true,
      onRcptTo: (address, _session, callback) =>
        callback(
          Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`), {
            responseCode: 550,
          }),
        ),
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const port = (refusing.server.address() as { port: number }).port;
      const v = await CliVault.create(temp, 'answers');
      await v.init();
      await v.json(['owner', 'set', '--email', owner]);
      await v.json([
        'channel',
        'smtp',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--tls',
        'none',
        '--from',
        'afterword@example.org',
      ]);
      const message = await v.json<{ id: string }>(['message', 'add', '--title', 'T', '--body', 'b']);
      const result = await v.run(['test-send', message.id]);
      expect(result.code).toBe(1);
      // The owner is told what the server said, addresses and all; the file keeps only the gist.
      expect(result.stdout).toMatch(/550/);
      const db = new Database(join(v.dir, 'vault.db'), { readonly: true });
      try {
        const stored = db.prepare('SELECT response FROM delivery_attempts').pluck().all() as string[];
        expect(stored.join('\n')).toMatch(/550 .*\[address\].*User unknown/);
      } finally {
        db.close();
      }
      expect(await findMarker(v.dir, marker)).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });
});
