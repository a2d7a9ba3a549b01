// Test helper: what anyone who can write the vault file can do without the key — append an audit
// row whose plain hash chain is valid (it has no seal). Only for *.test.ts files.
import { createHash } from 'node:crypto';
import type { Vault } from '../vault/vault.js';

export function forgeAuditRow(vault: Vault, action: string, detail: string): number {
  const sql = vault.db.sqlite;
  const last = sql.prepare('SELECT seq, at, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as {
    seq: number;
    at: number;
    hash: Buffer;
  };
  const row = {
    seq: last.seq + 1,
    at: last.at + 1,
    action,
    entity_type: null,
    entity_id: null,
    detail,
    prev_hash: last.hash,
  };
  const canonical = JSON.stringify([row.seq, row.at, row.action, row.entity_type, row.entity_id, row.detail]);
  const hash = createHash('sha256').update(last.hash).update(canonical).digest();
  sql
    .prepare(
      'INSERT INTO audit_log (seq, at, action, entity_type, entity_id, detail, prev_hash, hash) VALUES (@seq, @at, @action, @entity_type, @entity_id, @detail, @prev_hash, @hash)',
    )
    .run({ ...row, hash });
  return row.seq;
}
