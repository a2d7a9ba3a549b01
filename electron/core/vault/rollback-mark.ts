import type { KeyStore } from '../ports/key-store.js';
import type { VaultDb } from '../db/open-database.js';
import { IntegrityError } from '../errors.js';

/** The newest sealed audit row a machine has seen of a vault: how far its history reached. */
export interface HighWaterMark {
  seq: number;
  hash: Uint8Array;
}

const account = (vaultId: string): string => `vault-${vaultId}-mark`;

export async function readMark(store: KeyStore, vaultId: string): Promise<HighWaterMark | null> {
  const bytes = await store.get(account(vaultId));
  if (!bytes || bytes.length !== 40) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { seq: Number(view.getBigUint64(0)), hash: bytes.slice(8) };
}

export async function writeMark(store: KeyStore, vaultId: string, mark: HighWaterMark): Promise<void> {
  const bytes = new Uint8Array(40);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(mark.seq));
  bytes.set(mark.hash, 8);
  await store.set(account(vaultId), bytes);
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
  vaultId: string,
  marks: KeyStore | undefined,
  acceptOlder: boolean,
): Promise<void> {
  if (!marks) return;
  const mark = await readMark(marks, vaultId);
  if (!mark) return;
  const found = compareWithMark(db, mark);
  if (found === 'holds') return;
  const end = sealedEnd(db);
  if (!acceptOlder) throw new VaultRolledBackError(found, mark, end);
  if (end) await writeMark(marks, vaultId, end);
}
