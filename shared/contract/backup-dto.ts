import { z } from 'zod';

/** Where backups go, as shown: never the secret access key. */
export const backupTargetSchema = z.object({
  kind: z.literal('s3'),
  endpoint: z.string(),
  bucket: z.string(),
  prefix: z.string(),
  region: z.string(),
  pathStyle: z.boolean(),
  accessKeyId: z.string(),
});

export const backupTargetInputSchema = z
  .object({
    endpoint: z.url({ protocol: /^https?$/, error: 'the endpoint must be an http:// or https:// address, e.g. https://s3.eu-central-1.amazonaws.com' }).max(2000),
    bucket: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a bucket name is 3 to 63 lower-case letters, digits, dots and dashes'),
    prefix: z
      .string()
      .trim()
      .max(500)
      .regex(/^[^\\]*$/, 'the prefix may not contain backslashes')
      .default('afterword/v1'),
    region: z.string().trim().min(1).max(100).default('us-east-1'),
    pathStyle: z.boolean().default(false),
    accessKeyId: z.string().trim().min(1, 'the access key id is empty').max(200),
    secretAccessKey: z.string().min(1, 'the secret access key is empty').max(500),
  })
  .strict();

export const backupSnapshotSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  /** When it was taken (ms since the epoch). */
  time: z.number().int(),
  size: z.number().int(),
  messages: z.number().int(),
  attachments: z.number().int(),
});

export const backupPushSchema = z.object({
  snapshotId: z.string(),
  seq: z.number().int(),
  objectsUploaded: z.number().int(),
  bytesUploaded: z.number().int(),
  bytesSkipped: z.number().int(),
  size: z.number().int(),
});

export const backupTestSchema = z.object({
  ok: z.boolean(),
  where: z.string(),
  /** The step that failed (list, put, get, delete), and the server's answer. */
  failedStep: z.enum(['list', 'put', 'get', 'delete']).nullable(),
  message: z.string().nullable(),
});

export const backupVerifySchema = z.object({
  ok: z.boolean(),
  snapshotId: z.string(),
  seq: z.number().int(),
  checkedObjects: z.number().int(),
  problems: z.array(z.string()),
});

export const backupPruneSchema = z.object({
  keptSnapshots: z.number().int(),
  deletedSnapshots: z.number().int(),
  deletedShards: z.number().int(),
  bytesFreed: z.number().int(),
});

export const backupProgressSchema = z.object({ objectsUploaded: z.number().int(), bytesUploaded: z.number().int(), bytesSkipped: z.number().int() });
