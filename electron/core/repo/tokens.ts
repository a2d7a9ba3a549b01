import { createHash, randomBytes } from 'node:crypto';
import { NotFoundError } from '../errors.js';
import { newId } from '../ids.js';
import { FieldCipher } from './field-cipher.js';
import type { RepoContext } from './repo-context.js';

export type TokenRole = 'checkin' | 'monitor';

export interface TokenInfo {
  id: string;
  role: TokenRole;
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
}

const hashOf = (token: string): Uint8Array => new Uint8Array(createHash('sha256').update(token).digest());

/** Bearer tokens for phone shortcuts and monitoring. Shown once; only their hash is kept. */
export class TokensRepo {
  private readonly cipher: FieldCipher<'label'>;

  constructor(private readonly ctx: RepoContext) {
    this.cipher = new FieldCipher(ctx.key, 'api_tokens');
  }

  create(role: TokenRole, label: string): { id: string; token: string } {
    const { db, clock, audit } = this.ctx;
    const id = newId('tok');
    const token = `aw_${role}_${randomBytes(32).toString('base64url')}`;
    db.q.transaction(() => {
      db.q.run(
        db.kysely.insertInto('api_tokens').values({
          id,
          role,
          label: this.cipher.seal('label', id, label),
          token_hash: hashOf(token),
          created_at: clock.now(),
          last_used_at: null,
        }),
      );
      audit.append({ action: 'token.created', entityType: 'token', entityId: id, detail: { role } });
    });
    return { id, token };
  }

  list(): TokenInfo[] {
    const { db } = this.ctx;
    return db.q.all(db.kysely.selectFrom('api_tokens').selectAll().orderBy('created_at')).map((row) => ({
      id: row.id,
      role: row.role,
      label: this.cipher.open('label', row.id, row.label),
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
    }));
  }

  remove(id: string): void {
    const { db, audit } = this.ctx;
    db.q.transaction(() => {
      if (db.q.run(db.kysely.deleteFrom('api_tokens').where('id', '=', id)).changes === 0)
        throw new NotFoundError('token', id);
      audit.append({ action: 'token.removed', entityType: 'token', entityId: id });
    });
  }
}

/** Looks a bearer token up by its hash; works without the key (no decryption). */
export function findToken(
  ctx: Pick<RepoContext, 'db' | 'clock'>,
  token: string,
): { id: string; role: TokenRole } | null {
  const { db, clock } = ctx;
  const row = db.q.get(
    db.kysely.selectFrom('api_tokens').select(['id', 'role']).where('token_hash', '=', hashOf(token)),
  );
  if (!row) return null;
  db.q.run(db.kysely.updateTable('api_tokens').set({ last_used_at: clock.now() }).where('id', '=', row.id));
  return row;
}
