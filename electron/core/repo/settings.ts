import { FieldCipher } from './field-cipher.js';
import type { RepoContext } from './repo-context.js';

/** Encrypted key/value settings. The key name is visible; the value is bound to it. */
export class SettingsRepo {
  private readonly cipher: FieldCipher<'value'>;

  constructor(private readonly ctx: RepoContext) {
    this.cipher = new FieldCipher(ctx.key, 'settings');
  }

  get<T>(key: string): T | undefined {
    const { db } = this.ctx;
    const row = db.q.get(db.kysely.selectFrom('settings').selectAll().where('key', '=', key));
    return row ? (JSON.parse(this.cipher.open('value', key, row.value)) as T) : undefined;
  }

  set(key: string, value: unknown): void {
    const { db, clock, audit } = this.ctx;
    const sealed = this.cipher.seal('value', key, JSON.stringify(value));
    const now = clock.now();
    db.q.transaction(() => {
      db.q.run(
        db.kysely
          .insertInto('settings')
          .values({ key, value: sealed, updated_at: now })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: sealed, updated_at: now })),
      );
      audit.append({ action: 'settings.changed', entityType: 'setting', entityId: key });
    });
  }
}
