import type { Clock } from '../ports/clock.js';
import type { VaultDb } from '../db/open-database.js';
import type { KeyWrapKind } from '../db/schema.js';
import { IntegrityError } from '../errors.js';
import type { KeyWrapRow } from './key-wraps.js';

/** The vault key's wraps (password, recovery key, device key), one row per kind. */
export class KeyWrapStore {
  constructor(
    private readonly db: VaultDb,
    private readonly clock: Clock,
  ) {}

  find(kind: KeyWrapKind): KeyWrapRow | undefined {
    return this.db.q.get(
      this.db.kysely
        .selectFrom('key_wraps')
        .select(['kind', 'kdf', 'params', 'verifier', 'wrapped_key'])
        .where('kind', '=', kind),
    );
  }

  /** The wrap of `kind`, which every vault has (password, recovery): its absence is damage. */
  get(kind: KeyWrapKind): KeyWrapRow {
    const row = this.find(kind);
    if (!row) throw new IntegrityError(`the ${kind} key wrap is missing from the vault`);
    return row;
  }

  /** Adds or replaces the wrap of its kind. */
  put(row: KeyWrapRow): void {
    const values = { ...row, created_at: this.clock.now() };
    this.db.q.run(
      this.db.kysely
        .insertInto('key_wraps')
        .values(values)
        .onConflict((oc) => oc.column('kind').doUpdateSet(values)),
    );
  }

  delete(kind: KeyWrapKind): void {
    this.db.q.run(this.db.kysely.deleteFrom('key_wraps').where('kind', '=', kind));
  }
}
