import { sign } from 'node:crypto';
import type { BackupKeys } from '../backup/backup-keys.js';
import { verifySignature } from '../backup/backup-keys.js';

/** The two halves of the backup signing key (derived from the vault key): only a paired machine has them. */
export type StandbyKeys = Pick<BackupKeys, 'signingKey' | 'publicKey'>;

/** What is signed: a label of the object's kind, then its JSON without the signature. */
const signedBytes = (label: string, body: object): Uint8Array =>
  new TextEncoder().encode(`afterword/standby/${label}/v1\n${JSON.stringify(body)}`);

/** The object's JSON bytes, carrying a signature over everything else in it. */
export function encodeSigned(keys: StandbyKeys, label: string, body: object): Uint8Array {
  const signature = Buffer.from(sign(null, signedBytes(label, body), keys.signingKey)).toString('base64');
  return new TextEncoder().encode(JSON.stringify({ ...body, signature }));
}

/**
 * The object's fields when its signature is this vault's for this label; null for anything else
 * (unreadable, unsigned, signed by another vault's key, or an object of another kind).
 */
export function decodeSigned(keys: StandbyKeys, label: string, bytes: Uint8Array): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { signature, ...body } = value as Record<string, unknown>;
  if (typeof signature !== 'string') return null;
  return verifySignature(keys.publicKey, signedBytes(label, body), Buffer.from(signature, 'base64')) ? body : null;
}
