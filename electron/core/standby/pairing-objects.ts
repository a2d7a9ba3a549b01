import type { KeyObject } from 'node:crypto';
import type { ObjectStore } from '../ports/object-store.js';
import { BackupTamperedError } from '../backup/backup-errors.js';
import { verifySignature, type BackupKeys } from '../backup/backup-keys.js';
import { encodeSigned } from './signed-object.js';
import type { StandbyMember, StandbyRoster } from './standby-layout.js';

type Kind = 'roster' | 'member';

/** What is signed: as signed-object.ts signs (a label of the kind, then the JSON without the signature). */
function signedBytes(kind: Kind, value: StandbyRoster | StandbyMember): Uint8Array {
  const { signature: _signature, ...body } = value;
  return new TextEncoder().encode(`afterword/standby/${kind}/v1\n${JSON.stringify(body)}`);
}

/** The roster or a member's wrap as the bucket holds it, signed with the vault's backup signing key. */
export const encodePairingObject = (keys: BackupKeys, kind: Kind, value: StandbyRoster | StandbyMember): Uint8Array =>
  encodeSigned(keys, kind, value);

export function isPairingObjectSignedBy(
  publicKey: KeyObject,
  kind: Kind,
  value: StandbyRoster | StandbyMember,
): boolean {
  if (typeof value.signature !== 'string') return false;
  return verifySignature(publicKey, signedBytes(kind, value), Buffer.from(value.signature, 'base64'));
}

/** A JSON object of the bucket, null when missing; one that does not parse is reported as changed. */
export async function readPairingJson<T>(store: ObjectStore, key: string): Promise<T | null> {
  const bytes = await store.get(key);
  if (!bytes) return null;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch {
    throw new BackupTamperedError('foreign', `the bucket's ${key} object is unreadable: it was changed`);
  }
}
