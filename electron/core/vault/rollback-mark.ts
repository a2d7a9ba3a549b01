import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KeyStore } from '../ports/key-store.js';
import type { VaultDb } from '../db/open-database.js';
import { IntegrityError } from '../errors.js';

/** The newest sealed audit row a machine has seen of a vault: how far its history reached. */
export interface HighWaterMark {
  seq: number;
  hash: Uint8Array;
}

/**
 * One mark per copy of a vault on this machine: its id and the folder it lives in. A copy put
 * back in place of the vault is caught; a copy restored beside it (to try a backup) has a mark of
 * its own, and opening it never makes the original look rolled back.
 */
const account = (vaultId: string, dir: string): string => {
  let where = resolve(dir);
  try {
    where = realpathSync(where);
  } catch {
    // Not there (yet): the path as given.
  }
  return `vault-${vaultId}-at-${createHash('sha256').update(where).digest('hex').slice(0, 16)}-mark`;
};
/** Where marks were kept before they were per folder: read while a folder has none of its own. */
const legacyAccount = (vaultId: string): string => `vault-${vaultId}-mark`;

function decodeMark(bytes: Uint8Array | null): HighWaterMark | null {
  if (!bytes || bytes.length !== 40) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { seq: Number(view.getBigUint64(0)), hash: bytes.slice(8) };
}

export async function readMark(store: KeyStore, vaultId: string, dir: string): Promise<HighWaterMark | null> {
  return decodeMark(await store.get(account(vaultId, dir))) ?? decodeMark(await store.get(legacyAccount(vaultId)));
}

function encodeMark(mark: HighWaterMark): Uint8Array {
  const bytes = new Uint8Array(40);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(mark.seq));
  bytes.set(mark.hash, 8);
  return bytes;
}

export async function writeMark(store: KeyStore, vaultId: string, dir: string, mark: HighWaterMark): Promise<void> {
  await store.set(account(vaultId, dir), encodeMark(mark));
}

/**
 * Writes the mark unless this copy's mark already says exactly that: a command that appended no
 * audit row since its unlock (an idle `tick` at close) then reads the small file instead of
 * rewriting it (a temp file, two fsyncs and a rename).
 */
export async function moveMark(store: KeyStore, vaultId: string, dir: string, mark: HighWaterMark): Promise<void> {
  const where = account(vaultId, dir);
  const bytes = encodeMark(mark);
  // An unreadable one (a file others can read) is replaced, as writeMark would.
  const stored = await store.get(where).catch(() => null);
  if (stored && Buffer.from(stored).equals(Buffer.from(bytes))) return;
  await store.set(where, bytes);
}

/** The vault's sealed end as it is on disk (readable without the key). */
export function sealedEnd(db: VaultDb): HighWaterMark | null {
  const row = db.q.get(db.kysely.selectFrom('audit_seal').select(['seq', 'hash']).where('id', '=', 1));
  return row ? { seq: row.seq, hash: new Uint8Array(row.hash) } : null;
}

/**
 * Whether this copy of the vault still holds the history the mark saw: the row at the mark's seq
 * with the mark's hash. A copy put back from before that (check-ins undone, deleted messages
 * back, used check-in links valid again) lacks the row; a rewritten one has another hash.
 */
export function compareWithMark(db: VaultDb, mark: HighWaterMark): 'holds' | 'older' | 'rewritten' {
  const row = db.q.get(db.kysely.selectFrom('audit_log').select('hash').where('seq', '=', mark.seq));
  if (!row) return 'older';
  return Buffer.from(row.hash).equals(Buffer.from(mark.hash)) ? 'holds' : 'rewritten';
}

/** The vault is older than what this machine last saw of it, and nobody said that was meant. */
export class VaultRolledBackError extends IntegrityError {
  constructor(
    readonly found: 'older' | 'rewritten',
    mark: HighWaterMark,
    end: HighWaterMark | null,
  ) {
    super(
      found === 'older'
        ? `this vault is older than the one this machine last saw (its history reached row ${mark.seq}; this copy ends at row ${end?.seq ?? 0}): ` +
            'it was put back from an older copy, which would undo check-ins and bring back deleted messages. ' +
            'If you restored it on purpose, open it again with --accept-older-vault'
        : `this vault's history differs from the one this machine last saw (row ${mark.seq} was changed): it is another copy or was rewritten. ` +
            'If you restored it on purpose, open it again with --accept-older-vault',
    );
  }
}

/** Refuses a vault older than this machine's mark for it, unless the owner accepted that (then the mark moves back). */
export async function checkHighWaterMark(
  db: VaultDb,
  place: { vaultId: string; dir: string },
  marks: KeyStore | undefined,
  acceptOlder: boolean,
): Promise<void> {
  if (!marks) return;
  const mark = await readMark(marks, place.vaultId, place.dir);
  if (!mark) return;
  const found = compareWithMark(db, mark);
  if (found === 'holds') return;
  const end = sealedEnd(db);
  if (!acceptOlder) throw new VaultRolledBackError(found, mark, end);
  if (end) await writeMark(marks, place.vaultId, place.dir, end);
}
