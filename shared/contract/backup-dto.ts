import * as z from 'zod';
import { once } from '../once.js';

/** What sits between `scheme://` and the path: `user:pass@host:port` (no URL class: shared/ runs anywhere). */
const authorityOf = (url: string): string => /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1] ?? '';

const hasUserInfo = (url: string): boolean => authorityOf(url).includes('@');

function hostOf(url: string): string {
  const hostPort = authorityOf(url).split('@').pop()!.toLowerCase();
  if (hostPort.startsWith('[')) return hostPort.slice(1, hostPort.indexOf(']'));
  return hostPort.replace(/:\d*$/, '').replace(/\.$/, '');
}

/** Link-local and cloud metadata hosts: an endpoint there would send the access key to the instance metadata service. */
function isLinkLocal(url: string): boolean {
  const host = hostOf(url);
  // A bare number is an IPv4 address too (2852039166 is 169.254.169.254).
  if (/^\d+$/.test(host) && Math.floor(Number(host) / 65536) === 0xa9fe) return true;
  return (
    /^169\.254\./.test(host) ||
    /^fe[89ab][0-9a-f]?:/.test(host) ||
    host === 'fd00:ec2::254' ||
    /^::ffff:169\.254\./.test(host) ||
    /^::ffff:a9fe:/.test(host)
  );
}

/** Where backups go, as shown: never the secret access key. */
export const backupTargetSchema = once(() =>
  z.object({
    kind: z.literal('s3'),
    endpoint: z.string(),
    bucket: z.string(),
    prefix: z.string(),
    region: z.string(),
    pathStyle: z.boolean(),
    accessKeyId: z.string(),
    /** An extra CA certificate is trusted for this endpoint (set with the target). */
    customCa: z.boolean(),
  }),
);

export const backupTargetInputSchema = once(() =>
  z
    .object({
      endpoint: z
        .url({
          protocol: /^https?$/,
          error: 'the endpoint must be an http:// or https:// address, e.g. https://s3.eu-central-1.amazonaws.com',
        })
        .max(2000)
        .refine(
          (url) => !hasUserInfo(url),
          'the endpoint may not carry a user name or password: give the access key in AFTERWORD_S3_ACCESS_KEY_ID and AFTERWORD_S3_SECRET_ACCESS_KEY',
        )
        .refine(
          (url) => !isLinkLocal(url),
          'the endpoint may not be a link-local or cloud metadata address (169.254.x.x, fe80::, fd00:ec2::254): give the address of your S3 server',
        ),
      bucket: z
        .string()
        .trim()
        .regex(
          /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
          'a bucket name is 3 to 63 lower-case letters, digits, dots and dashes',
        ),
      prefix: z
        .string()
        .trim()
        .max(500)
        .regex(/^[^\\]*$/, 'the prefix may not contain backslashes')
        .default('afterword/v1'),
      region: z.string().trim().min(1).max(100).default('us-east-1'),
      pathStyle: z.boolean().default(false),
      accessKeyId: z.string().trim().min(1, 'the access key id is empty').max(200),
      /** Left out when editing: the stored secret stays (refused when none is stored yet). */
      secretAccessKey: z.string().min(1, 'the secret access key is empty').max(500).optional(),
      /** An extra CA certificate (PEM) for a server with its own CA. Omitted: keep the stored one; null: none. */
      ca: z
        .string()
        .max(64 * 1024, 'the CA file is too large for one certificate')
        .regex(/-----BEGIN CERTIFICATE-----/, 'the CA file is not a PEM certificate (-----BEGIN CERTIFICATE-----)')
        .nullable()
        .optional(),
    })
    .strict(),
);

export const backupSnapshotSchema = once(() =>
  z.object({
    id: z.string(),
    seq: z.number().int(),
    /** When it was taken (ms since the epoch). */
    time: z.number().int(),
    size: z.number().int(),
    messages: z.number().int(),
    attachments: z.number().int(),
  }),
);

export const backupPushSchema = once(() =>
  z.object({
    snapshotId: z.string(),
    seq: z.number().int(),
    objectsUploaded: z.number().int(),
    bytesUploaded: z.number().int(),
    bytesSkipped: z.number().int(),
    size: z.number().int(),
  }),
);

export const backupTestSchema = once(() =>
  z.object({
    ok: z.boolean(),
    where: z.string(),
    /** The step that failed (list, put, get, delete), and the server's answer. */
    failedStep: z.enum(['list', 'put', 'get', 'delete']).nullable(),
    message: z.string().nullable(),
  }),
);

export const backupVerifySchema = once(() =>
  z.object({
    ok: z.boolean(),
    snapshotId: z.string(),
    seq: z.number().int(),
    checkedObjects: z.number().int(),
    problems: z.array(z.string()),
  }),
);

export const backupPruneSchema = once(() =>
  z.object({
    keptSnapshots: z.number().int(),
    deletedSnapshots: z.number().int(),
    deletedShards: z.number().int(),
    bytesFreed: z.number().int(),
  }),
);

export const backupProgressSchema = once(() =>
  z.object({
    objectsUploaded: z.number().int(),
    bytesUploaded: z.number().int(),
    bytesSkipped: z.number().int(),
  }),
);

/** Automatic backups, as `status.get` reports them. Times are ms since the epoch. */
export const backupHealthSchema = once(() =>
  z.object({
    configured: z.boolean(),
    /** The newest snapshot this vault stored. */
    lastSuccess: z.object({ at: z.number().int(), snapshotId: z.string(), seq: z.number().int() }).nullable(),
    /** Since when every attempt has failed; null when the last attempt worked (or none was made). */
    failingSince: z.number().int().nullable(),
    /** The last failure's error code and the server's answer (`CODE: text`). */
    lastError: z.string().nullable(),
    /** When the scheduler pushes next: changes waiting, the daily push, or a retry. */
    nextAt: z.number().int().nullable(),
  }),
);

/** An age recipient (`age1…`, X25519) or a passphrase: whoever holds it can open the export with the stock `age` tool. */
export const exportInputSchema = once(() =>
  z.union([
    z
      .object({
        passphrase: z.string().min(8, 'the passphrase needs at least 8 characters').max(1024),
      })
      .strict(),
    z
      .object({
        recipient: z
          .string()
          .trim()
          .regex(/^age1[02-9ac-hj-np-z]{58}$/, 'an age recipient looks like age1 followed by 58 letters and digits'),
      })
      .strict(),
  ]),
);

/** An export written (encrypted) and ready to be fetched chunk by chunk. */
export const exportReadySchema = once(() =>
  z.object({
    exportId: z.string(),
    /** A suggested file name, e.g. `afterword-export-2026-12-07.tar.age`. */
    fileName: z.string(),
    size: z.number().int(),
    chunkBytes: z.number().int(),
  }),
);
