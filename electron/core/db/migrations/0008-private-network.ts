import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Webhooks (the owner's and recipients') may reach loopback and private addresses only when marked
 * as being on the owner's own network. The URLs are encrypted, so this migration cannot tell which
 * existing ones point there: every existing webhook keeps working as before (marked, and flagged as
 * kept from before the check, which `status` and `doctor` say) — no switch silently stops.
 */
const statements = [
  `ALTER TABLE webhooks ADD COLUMN allow_private_network INTEGER NOT NULL DEFAULT 0 CHECK (allow_private_network IN (0, 1))`,
  `ALTER TABLE webhooks ADD COLUMN private_network_kept INTEGER NOT NULL DEFAULT 0 CHECK (private_network_kept IN (0, 1))`,
  `UPDATE webhooks SET allow_private_network = 1, private_network_kept = 1`,
  `ALTER TABLE recipients ADD COLUMN allow_private_network INTEGER NOT NULL DEFAULT 0 CHECK (allow_private_network IN (0, 1))`,
  `ALTER TABLE recipients ADD COLUMN private_network_kept INTEGER NOT NULL DEFAULT 0 CHECK (private_network_kept IN (0, 1))`,
  `UPDATE recipients SET allow_private_network = 1, private_network_kept = 1 WHERE type = 'webhook'`,
];

export const migration0008PrivateNetwork: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
