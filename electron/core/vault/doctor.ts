import { readdir } from 'node:fs/promises';
import { AfterwordError } from '../errors.js';
import type { VaultServices } from '../services.js';
import { looseVaultModes } from './vault-files.js';
import { recipientsKeptOnPrivateNetwork } from '../repo/recipients.js';
import { webhooksKeptOnPrivateNetwork } from '../repo/webhooks.js';
import { openField } from '../crypto/envelope.js';

export interface DoctorReport {
  ok: boolean;
  problems: string[];
  warnings: string[];
  checked: { messages: number; recipients: number; attachments: number; settings: number; auditRows: number };
}

const ENCRYPTED_COLUMNS = {
  messages: { key: 'id', columns: ['title', 'body_text', 'body_html'] },
  recipients: { key: 'id', columns: ['name', 'contact'] },
  attachments: { key: 'id', columns: ['name', 'media_type'] },
  warning_plans: { key: 'id', columns: ['name'] },
  settings: { key: 'key', columns: ['value'] },
  webhooks: { key: 'id', columns: ['url', 'secret'] },
  // Notices and tests carry sealed text bound to their idempotency key.
  outbox: { key: 'idempotency_key', columns: ['payload'] },
} as const;

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Checks everything that can rot or be tampered with: SQLite's own structure, foreign keys, every
 * encrypted value, every attachment blob (fully decrypted, size compared), and the audit chain.
 * Never prints content; problems name tables, columns and ids.
 */
export async function runDoctor(services: VaultServices): Promise<DoctorReport> {
  const { vault, messages } = services;
  const { sqlite } = vault.db;
  const problems: string[] = [];
  const warnings: string[] = [];
  const counts = { messages: 0, recipients: 0, attachments: 0, settings: 0, auditRows: 0 };

  const integrity = sqlite.pragma('integrity_check') as { integrity_check: string }[];
  for (const row of integrity) if (row.integrity_check !== 'ok') problems.push(`database: ${row.integrity_check}`);
  const fk = sqlite.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  for (const row of fk) problems.push(`database: ${row.table} row ${row.rowid} points at a missing ${row.parent}`);

  for (const [table, { key, columns }] of Object.entries(ENCRYPTED_COLUMNS)) {
    const rows = sqlite.prepare(`SELECT ${key} AS k, ${columns.join(', ')} FROM ${table}`).all() as Record<
      string,
      unknown
    >[];
    if (table in counts) counts[table as keyof typeof counts] = rows.length;
    for (const row of rows) {
      for (const column of columns) {
        const value = row[column];
        if (value === null || value === undefined) continue;
        try {
          openField(vault.contentKey, { table, column, rowId: String(row.k) }, value as Uint8Array);
        } catch (error) {
          problems.push(`${table}.${column} of ${String(row.k)}: ${reason(error)}`);
        }
      }
    }
  }

  const attachmentRows = sqlite.prepare('SELECT id, message_id, size FROM attachments').all() as {
    id: string;
    message_id: string;
    size: number;
  }[];
  const known = new Set(attachmentRows.map((r) => r.id));
  for (const att of attachmentRows) {
    try {
      let size = 0;
      for await (const chunk of messages.attachments.read(att.id)) size += chunk.length;
      if (size !== att.size) problems.push(`attachment ${att.id}: ${size} bytes, expected ${att.size}`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push(
        code === 'ENOENT'
          ? `attachment ${att.id} of message ${att.message_id}: its blob file is missing`
          : `attachment ${att.id} of message ${att.message_id}: ${error instanceof AfterwordError ? error.message : reason(error)}`,
      );
    }
  }
  const files = await readdir(vault.blobsDir).catch(() => [] as string[]);
  for (const file of files) {
    if (file.includes('.tmp-') || file.endsWith('.tmp'))
      warnings.push(`blobs/${file}: an interrupted write (safe to delete)`);
    else if (!known.has(file))
      warnings.push(`blobs/${file}: belongs to no attachment (left by an interrupted add or delete)`);
  }

  warnings.push(...(await looseVaultModes(vault.dir)));
  for (const name of webhooksKeptOnPrivateNetwork(vault)) {
    warnings.push(
      `webhook ${name}: may reach this machine and your private network because it existed before that check (afterword channel webhook edit ${name} --[no-]allow-private-network)`,
    );
  }
  for (const id of recipientsKeptOnPrivateNetwork(vault)) {
    warnings.push(
      `recipient ${id}: its webhook may reach this machine and your private network because it existed before that check (afterword recipient edit ${id} --[no-]allow-private-network)`,
    );
  }

  const held = (sqlite.prepare('SELECT count(*) AS n FROM outbox WHERE held = 1').get() as { n: number }).n;
  if (held > 0) {
    warnings.push(
      `outbox: ${held} warning(s), notice(s) or deliveries held since a restore; nothing goes out until \`afterword resume\` (once the original is gone)`,
    );
  }

  const auditProblems = vault.audit.verify();
  counts.auditRows = (sqlite.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
  for (const p of auditProblems) problems.push(`audit log row ${p.seq ?? '-'}: ${p.problem}`);

  return { ok: problems.length === 0, problems, warnings, checked: counts };
}
