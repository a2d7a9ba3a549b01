import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../test-support/manual-clock.js';
import type { VaultServices } from '../services.js';
import { Vault } from '../vault/vault.js';
import { WrongPasswordError } from '../vault/vault-errors.js';
import { runDoctor } from '../vault/doctor.js';
import { HISTORY_BROKEN_ACTION, type AuditProblem } from './audit-log.js';
import { TEMPLATE_PASSWORD, VaultTemplate, type TestVault } from '../repo/test-support/vault-template.js';

const T0 = Date.UTC(2025, 8, 1);
const PASSWORD = TEMPLATE_PASSWORD;

/** Everything written through the repos; none of it may appear in the audit log. */
const SECRETS = {
  titles: ['Letter to Ana', 'Bank details for Bo'],
  bodies: ['The deeds are in the blue safe', 'PIN 4821 for the savings account'],
  names: ['Ana Lima', 'Bo Chen'],
  emails: ['ana.lima@example.org', 'bo.chen@example.org'],
  webhook: 'https://relay.example.org/secret-path-x9',
  setting: 'my-smtp-password-zz',
  editedTitle: 'Edited title for Ana',
  attachmentName: 'will-and-testament.pdf',
};
const ALL_SECRETS = Object.values(SECRETS).flat();

let template: VaultTemplate;
let current: TestVault;
let dir = '';
let clock: ManualClock;
let vault: Vault;
let services: VaultServices;

beforeAll(async () => {
  template = await VaultTemplate.create(T0);
});
afterAll(async () => {
  await template.dispose();
});
beforeEach(async () => {
  current = await template.copy(T0);
  ({ dir, clock, vault, services } = current);
});
afterEach(async () => {
  if (vault.db.sqlite.open) await vault.close();
  await current.dispose();
});

async function* once(data: Uint8Array): AsyncGenerator<Uint8Array> {
  yield data;
}

/** A typical session through the repos; returns nothing the test needs beyond the log. */
async function populate(): Promise<void> {
  const { messages, recipients, settings } = services;
  const ana = recipients.add({ type: 'email', name: SECRETS.names[0]!, contact: SECRETS.emails[0]! });
  clock.advance(1000);
  const bo = recipients.add({ type: 'email', name: SECRETS.names[1]!, contact: SECRETS.emails[1]! });
  const hook = recipients.add({ type: 'webhook', name: 'Relay', contact: SECRETS.webhook });
  const att = await messages.attachments.stage(once(new TextEncoder().encode('attached')), SECRETS.attachmentName);
  clock.advance(1000);
  const m1 = messages.create({
    title: SECRETS.titles[0]!,
    body: SECRETS.bodies[0]!,
    recipientIds: [ana.id],
    attachments: [att],
  });
  const m2 = messages.create({ title: SECRETS.titles[1]!, body: SECRETS.bodies[1]!, recipientIds: [bo.id, hook.id] });
  clock.advance(1000);
  messages.update(m1, { title: SECRETS.editedTitle, recipientIds: [ana.id, bo.id] });
  settings.set('smtp.password', SECRETS.setting);
  messages.update(m2, { recipientIds: [bo.id] });
  recipients.remove(hook.id);
  messages.remove(m2);
}

interface Row {
  seq: number;
  at: number;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  detail: string;
  prev_hash: Buffer;
  hash: Buffer;
}

const sql = (text: string) => vault.db.sqlite.prepare(text);
const rows = (): Row[] => sql('SELECT * FROM audit_log ORDER BY seq').all() as Row[];
const actions = (): string[] => rows().map((r) => r.action);
const problems = (): AuditProblem[] => vault.audit.verify();

/** What an attacker does first: the triggers are only a guard against accidents. */
function dropTriggers(): void {
  vault.db.sqlite.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
}

/** The log's plain hash chain, recomputed the way anyone could (no key needed). */
function rowHash(prev: Buffer, row: Row): Buffer {
  const canonical = JSON.stringify([row.seq, row.at, row.action, row.entity_type, row.entity_id, row.detail]);
  return createHash('sha256').update(prev).update(canonical).digest();
}

function rechain(): void {
  let prev: Buffer = Buffer.alloc(32);
  const update = sql('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?');
  for (const row of rows()) {
    const hash = rowHash(prev, row);
    update.run(prev, hash, row.seq);
    prev = hash;
  }
}

describe('audit log: written by the repos, without plaintext', () => {
  it('records each operation as an action row', async () => {
    // The template vault: created, device key enabled; this copy: unlocked with the device key.
    expect(actions()).toEqual(['vault.created', 'vault.device_key_enabled', 'vault.unlocked']);
    expect(template.auditRows).toBe(3);
    await populate();
    expect(actions()).toEqual([
      'vault.created',
      'vault.device_key_enabled',
      'vault.unlocked',
      'recipient.added',
      'recipient.added',
      'recipient.added',
      'message.created',
      'message.created',
      'message.updated',
      'settings.changed',
      'message.updated',
      'recipient.removed',
      'message.removed',
    ]);
    const updated = rows().find((r) => r.action === 'message.updated')!;
    expect(updated.entity_type).toBe('message');
    expect(updated.entity_id).toMatch(/^msg_/);
    expect(JSON.parse(updated.detail)).toEqual({ fields: ['title', 'recipients'] });
    expect(rows().map((r) => r.seq)).toEqual(rows().map((_, i) => i + 1));
    expect(rows().at(-1)!.at).toBe(T0 + 3000);
  });

  it('holds no plaintext in any column (titles, bodies, names, addresses, settings)', async () => {
    await populate();
    const everything = vault.db.sqlite
      .prepare('SELECT * FROM audit_log UNION ALL SELECT id, seq, hash, mac, 0, 0, 0, 0 FROM audit_seal')
      .raw()
      .all() as unknown[][];
    expect(everything.length).toBeGreaterThan(10);
    const cells = everything
      .flat()
      .map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') + v.toString('utf8') : String(v)));
    const text = cells.join('\u0001').toLowerCase();
    for (const secret of ALL_SECRETS) {
      expect(text).not.toContain(secret.toLowerCase());
      // and not a fragment of it that would identify it
      expect(text).not.toContain(secret.toLowerCase().slice(0, 8));
    }
  });

  it('nor anywhere in the database files on disk', async () => {
    await populate();
    vault.db.sqlite.pragma('wal_checkpoint(PASSIVE)');
    const files = (await readdir(dir)).filter((f) => f.startsWith('vault.db'));
    expect(files).toContain('vault.db');
    for (const file of files) {
      const bytes = await readFile(join(dir, file));
      for (const secret of ALL_SECRETS) expect(bytes.includes(secret), `${secret} in ${file}`).toBe(false);
    }
  });
});

describe('audit log: verify', () => {
  beforeEach(populate);

  it('is empty on an intact log, also after a restart and unlock', async () => {
    expect(problems()).toEqual([]);
    await vault.close();
    vault = await Vault.open(dir, { clock });
    expect(vault.audit.verify()).toEqual([
      { seq: null, problem: 'the seal cannot be checked while the vault is locked' },
    ]);
    await vault.unlock(PASSWORD);
    expect(vault.audit.verify()).toEqual([]);
  });

  it('an edited detail is reported at that row', () => {
    dropTriggers();
    const target = rows().find((r) => r.action === 'message.updated')!;
    sql('UPDATE audit_log SET detail = ? WHERE seq = ?').run(JSON.stringify({ fields: ['status'] }), target.seq);
    expect(problems()).toContainEqual({
      seq: target.seq,
      problem: 'content does not match its hash: the row was edited',
    });
  });

  it('an edited action or time is reported too', () => {
    dropTriggers();
    sql(`UPDATE audit_log SET action = 'settings.viewed' WHERE seq = 8`).run();
    sql('UPDATE audit_log SET at = at - 1 WHERE seq = 3').run();
    const seqs = problems().map((p) => p.seq);
    expect(seqs).toContain(8);
    expect(seqs).toContain(3);
  });

  it('a deleted middle row is reported', () => {
    dropTriggers();
    sql('DELETE FROM audit_log WHERE seq = 5').run();
    const found = problems();
    expect(found).toContainEqual({ seq: 6, problem: 'expected row 5 here: rows were deleted or reordered' });
    expect(found).toContainEqual({ seq: 6, problem: 'does not link to the row before it' });
  });

  it('two rows swapped (content moved between seqs) are reported', () => {
    dropTriggers();
    const [a, b] = [rows()[3]!, rows()[6]!];
    const put = sql(
      'UPDATE audit_log SET at = ?, action = ?, entity_type = ?, entity_id = ?, detail = ?, prev_hash = ?, hash = ? WHERE seq = ?',
    );
    put.run(b.at, b.action, b.entity_type, b.entity_id, b.detail, b.prev_hash, b.hash, a.seq);
    put.run(a.at, a.action, a.entity_type, a.entity_id, a.detail, a.prev_hash, a.hash, b.seq);
    const seqs = new Set(problems().map((p) => p.seq));
    expect(seqs.has(a.seq)).toBe(true);
    expect(seqs.has(b.seq)).toBe(true);
  });

  it('rows cut from the end are reported by the seal', () => {
    dropTriggers();
    const last = rows().at(-1)!.seq;
    sql('DELETE FROM audit_log WHERE seq > ?').run(last - 2);
    // The chain that is left is internally consistent; only the seal notices.
    expect(problems()).toEqual([{ seq: last, problem: 'the sealed row is gone: rows were cut from the end' }]);
  });

  it('an edit with the plain chain recomputed (attacker without the key) is still caught by the seal', () => {
    dropTriggers();
    sql(`UPDATE audit_log SET detail = '{"fields":["status"]}' WHERE action = 'message.updated'`).run();
    rechain();
    const last = rows().at(-1)!.seq;
    expect(problems()).toEqual([{ seq: last, problem: 'the sealed row was changed' }]);

    // Moving the seal's hash along does not help: its MAC needs the vault key.
    sql('UPDATE audit_seal SET hash = ? WHERE id = 1').run(rows().at(-1)!.hash);
    expect(problems()).toEqual([
      { seq: last, problem: 'the seal does not verify: the log was rewritten without the vault key' },
    ]);

    // Nor does removing the seal.
    sql('DELETE FROM audit_seal').run();
    expect(problems()).toEqual([{ seq: null, problem: 'the seal is missing' }]);
  });

  it('rows cut from the end with the seal moved back are caught', () => {
    dropTriggers();
    const last = rows().at(-1)!.seq;
    sql('DELETE FROM audit_log WHERE seq = ?').run(last);
    const newLast = rows().at(-1)!;
    sql('UPDATE audit_seal SET seq = ?, hash = ? WHERE id = 1').run(newLast.seq, newLast.hash);
    expect(problems()).toEqual([
      { seq: newLast.seq, problem: 'the seal does not verify: the log was rewritten without the vault key' },
    ]);
  });

  it('a forged keyed row appended after the seal, with a valid chain hash, is reported', () => {
    const last = rows().at(-1)!;
    const forged: Row = {
      seq: last.seq + 1,
      at: last.at + 1,
      action: 'message.removed',
      entity_type: 'message',
      entity_id: 'msg_0000000000000000',
      detail: '{}',
      prev_hash: last.hash,
      hash: Buffer.alloc(0),
    };
    forged.hash = rowHash(last.hash, forged);
    sql(
      'INSERT INTO audit_log (seq, at, action, entity_type, entity_id, detail, prev_hash, hash) VALUES (@seq, @at, @action, @entity_type, @entity_id, @detail, @prev_hash, @hash)',
    ).run(forged);
    expect(problems()).toEqual([{ seq: forged.seq, problem: '"message.removed" was appended without the vault key' }]);
  });

  it('failed unlocks appended while locked do not break verify', async () => {
    vault.lock();
    for (let i = 0; i < 3; i++)
      await expect(vault.unlock('wrong password here')).rejects.toBeInstanceOf(WrongPasswordError);
    const failed = rows().filter((r) => r.action === 'vault.unlock_failed');
    expect(failed).toHaveLength(3);
    expect(failed.map((r) => JSON.parse(r.detail))).toEqual(
      [1, 2, 3].map((failures) => ({ method: 'password', failures })),
    );
    await vault.unlock(PASSWORD);
    expect(actions().slice(-4)).toEqual([
      'vault.unlock_failed',
      'vault.unlock_failed',
      'vault.unlock_failed',
      'vault.unlocked',
    ]);
    expect(vault.audit.verify()).toEqual([]);

    // Also when the failures are the newest rows (unlocked with the recovery path afterwards is not needed).
    vault.lock();
    await expect(vault.unlock('wrong password here')).rejects.toBeInstanceOf(WrongPasswordError);
    await vault.unlock(PASSWORD);
    expect(vault.audit.verify()).toEqual([]);
  });

  it('a keyed action cannot be appended while the vault is locked', () => {
    vault.lock();
    expect(() => vault.audit.append({ action: 'message.created' })).toThrow(/needs the unlocked vault/);
  });

  it('the doctor reports audit problems with their row', async () => {
    dropTriggers();
    sql(`UPDATE audit_log SET detail = '{"x":1}' WHERE seq = 2`).run();
    const report = await runDoctor(services);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(['audit log row 2: content does not match its hash: the row was edited']);
  });
});

describe('audit log: the next keyed append checks the chain end against the seal', () => {
  beforeEach(populate);

  const breaks = () => rows().filter((r) => r.action === HISTORY_BROKEN_ACTION);
  const appendSomething = () => vault.db.q.transaction(() => vault.audit.append({ action: 'settings.changed' }));

  it('an intact log gets no break row, also with failed unlocks after the seal', async () => {
    appendSomething();
    vault.lock();
    await expect(vault.unlock('wrong password here')).rejects.toBeInstanceOf(WrongPasswordError);
    await vault.unlock(PASSWORD);
    expect(breaks()).toEqual([]);
    expect(problems()).toEqual([]);
  });

  it('rows cut from the end are not healed by the next append: the break is recorded and stays', async () => {
    dropTriggers();
    const before = rows().at(-1)!.seq;
    sql('DELETE FROM audit_log WHERE seq > ?').run(before - 2);
    appendSomething();
    const [found] = breaks();
    expect(found).toBeDefined();
    expect(JSON.parse(found!.detail)).toEqual({ problem: 'rows-cut', newestSeq: before - 2, sealedSeq: before });
    // The break sits before the entry that found it, and the seal now covers that entry.
    expect(actions().slice(-2)).toEqual([HISTORY_BROKEN_ACTION, 'settings.changed']);
    expect(problems()).toEqual([
      {
        seq: found!.seq,
        problem: `history was broken before this row: rows were cut from the end (the seal covered row ${before}, row ${before - 2} was the newest)`,
      },
    ]);

    // Every later unlock appends; the break is still reported and recorded only once.
    await vault.close();
    vault = await Vault.open(dir, { clock });
    await vault.unlock(PASSWORD);
    expect(breaks()).toHaveLength(1);
    expect(vault.audit.verify().map((p) => p.seq)).toEqual([found!.seq]);
  });

  it('cutting the break row away as well is found again by the next append', () => {
    dropTriggers();
    const before = rows().at(-1)!.seq;
    sql('DELETE FROM audit_log WHERE seq = ?').run(before);
    appendSomething();
    const first = breaks()[0]!;
    sql('DELETE FROM audit_log WHERE seq >= ?').run(first.seq);
    appendSomething();
    expect(breaks().map((r) => JSON.parse(r.detail).problem)).toEqual(['rows-cut']);
    expect(problems()).toHaveLength(1);
  });

  it('a rewritten sealed row, a forged or removed seal, and keyed rows appended without the key are each recorded', () => {
    dropTriggers();
    const last = rows().at(-1)!;
    sql(`UPDATE audit_log SET detail = '{"fields":["status"]}' WHERE seq = ?`).run(last.seq);
    rechain();
    appendSomething();
    sql('UPDATE audit_seal SET mac = ? WHERE id = 1').run(Buffer.alloc(32, 7));
    appendSomething();
    sql('DELETE FROM audit_seal').run();
    appendSomething();
    const newest = rows().at(-1)!;
    const forged = { ...newest, seq: newest.seq + 1, action: 'message.removed', prev_hash: newest.hash };
    forged.hash = rowHash(newest.hash, forged);
    sql(
      'INSERT INTO audit_log (seq, at, action, entity_type, entity_id, detail, prev_hash, hash) VALUES (@seq, @at, @action, @entity_type, @entity_id, @detail, @prev_hash, @hash)',
    ).run(forged);
    appendSomething();
    expect(breaks().map((r) => JSON.parse(r.detail).problem)).toEqual([
      'sealed-row-changed',
      'seal-forged',
      'seal-missing',
      'appended-without-key',
    ]);
  });
});

describe('audit log: a wiped history and unreadable break rows', () => {
  beforeEach(populate);

  const appendSomething = () => vault.db.q.transaction(() => vault.audit.append({ action: 'settings.changed' }));
  const wipe = () => {
    dropTriggers();
    sql('DELETE FROM audit_log').run();
    sql('DELETE FROM audit_seal').run();
  };

  /** A row anyone can append: its plain hash is valid, only the seal notices. */
  function appendRaw(action: string, detail: string): Row {
    const last = rows().at(-1)!;
    const row: Row = {
      seq: last.seq + 1,
      at: last.at + 1,
      action,
      entity_type: null,
      entity_id: null,
      detail,
      prev_hash: last.hash,
      hash: Buffer.alloc(0),
    };
    row.hash = rowHash(last.hash, row);
    sql(
      'INSERT INTO audit_log (seq, at, action, entity_type, entity_id, detail, prev_hash, hash) VALUES (@seq, @at, @action, @entity_type, @entity_id, @detail, @prev_hash, @hash)',
    ).run(row);
    return row;
  }

  it('the whole log and its seal removed: verify reports it, and the next keyed append records the break', () => {
    wipe();
    expect(problems()).toEqual([
      { seq: null, problem: 'the history was wiped: the whole log and its seal were removed' },
    ]);
    appendSomething();
    expect(actions()).toEqual([HISTORY_BROKEN_ACTION, 'settings.changed']);
    expect(JSON.parse(rows()[0]!.detail)).toEqual({ problem: 'log-wiped', newestSeq: 0, sealedSeq: null });
    expect(problems()).toEqual([
      {
        seq: 1,
        problem: 'history was broken before this row: the whole log and its seal were removed (the log was empty)',
      },
    ]);
  });

  it('a failed unlock appended after the wipe does not hide it', async () => {
    wipe();
    vault.lock();
    await expect(vault.unlock('wrong password here')).rejects.toBeInstanceOf(WrongPasswordError);
    expect(problems()).toEqual([
      { seq: null, problem: 'the history was wiped: the whole log and its seal were removed' },
    ]);
    await vault.unlock(PASSWORD);
    expect(actions()).toEqual(['vault.unlock_failed', HISTORY_BROKEN_ACTION, 'vault.unlocked']);
    expect(JSON.parse(rows()[1]!.detail)).toMatchObject({ problem: 'log-wiped' });
  });

  it('a break row whose detail is null, or of another shape, is reported with its own words instead of throwing', () => {
    const nulled = appendRaw(HISTORY_BROKEN_ACTION, 'null');
    const shaped = appendRaw(HISTORY_BROKEN_ACTION, JSON.stringify({ problem: 'toString', newestSeq: 'x' }));
    const odd = appendRaw(
      HISTORY_BROKEN_ACTION,
      JSON.stringify({ problem: '__proto__', newestSeq: 3, sealedSeq: null }),
    );
    const found = problems();
    const unreadable = 'history was broken before this row (the record of the break is unreadable)';
    expect(found).toContainEqual({ seq: nulled.seq, problem: unreadable });
    expect(found).toContainEqual({ seq: shaped.seq, problem: unreadable });
    expect(found).toContainEqual({
      seq: odd.seq,
      problem: 'history was broken before this row: the log did not match its seal (row 3 was the newest)',
    });
  });
});
