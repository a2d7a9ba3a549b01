import * as z from 'zod';
import {
  backupPruneSchema,
  backupPushSchema,
  backupSnapshotSchema,
  backupTargetInputSchema,
  backupTargetSchema,
  backupTestSchema,
  backupVerifySchema,
  exportInputSchema,
  exportReadySchema,
} from './backup-dto.js';
import { done, method, none, type MethodSpec } from './method-spec.js';

/** Backups to an S3-compatible bucket and the age export: part of the contract (methods.ts). */
export const BACKUP_METHODS = {
  /** Encrypted backups to an S3-compatible bucket (the credentials are stored encrypted in the vault). */
  'backup.getTarget': method(['owner'], none, () => z.object({ target: backupTargetSchema().nullable() })),
  'backup.setTarget': method(['owner'], backupTargetInputSchema, () => z.object({ target: backupTargetSchema() })),
  'backup.removeTarget': method(['owner'], none, done),
  /** List, put, get and delete a probe object; on failure the step and the server's answer. */
  'backup.test': method(['owner'], none, backupTestSchema),
  'backup.now': method(['owner'], none, backupPushSchema),
  'backup.list': method(['owner'], none, () => z.object({ snapshots: z.array(backupSnapshotSchema()) })),
  /** Downloads and checks every object of a snapshot (the newest when none is named). */
  'backup.verify': method(
    ['owner'],
    () => z.object({ snapshot: z.string().trim().min(1).max(100).optional() }).strict(),
    backupVerifySchema,
  ),
  'backup.prune': method(
    ['owner'],
    () => z.object({ keep: z.number().int().min(1).max(100_000) }).strict(),
    backupPruneSchema,
  ),
  /**
   * Everything readable (messages, recipients, attachments, plans) as a tar encrypted in the age
   * format, kept as ciphertext until fetched with `backup.exportChunk` (base64 chunks) or cancelled.
   */
  'backup.exportBegin': method(['owner'], exportInputSchema, exportReadySchema),
  'backup.exportChunk': method(
    ['owner'],
    () => z.object({ exportId: z.string().max(40), index: z.number().int().min(0) }).strict(),
    () => z.object({ index: z.number().int(), last: z.boolean(), data: z.string() }),
  ),
  'backup.exportCancel': method(['owner'], () => z.object({ exportId: z.string().max(40) }).strict(), done),
} as const satisfies Record<string, MethodSpec>;
