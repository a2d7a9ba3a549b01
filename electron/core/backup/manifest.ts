import { randomBytes, xchachaOpen, xchachaSeal, XCHACHA_NONCE_BYTES } from '../crypto/aead.js';
import { AeadAuthError } from '../crypto/crypto-errors.js';
import type { KeyObject } from 'node:crypto';
import { BackupTamperedError } from './backup-errors.js';
import { sha256Hex, signBytes, verifySignature, type BackupKeys } from './backup-keys.js';

/** One file of the snapshot, as the shards that hold it, in order. */
export interface ManifestFile {
  size: number;
  /** Every shard holds this many bytes of the file, the last one the rest. */
  chunkBytes: number;
  shards: string[];
}

export interface ManifestBlob extends ManifestFile {
  id: string;
}

/** What one snapshot holds. Stored encrypted, authenticated and signed: `manifests/<seq>`. */
export interface Manifest {
  format: 1;
  vaultId: string;
  seq: number;
  createdAt: number;
  /** SHA-256 of the previous manifest object (hex), null for the first: the chain a cut or rolled-back bucket breaks. */
  prev: string | null;
  database: ManifestFile & { pageSize: number };
  blobs: ManifestBlob[];
  stats: { messages: number; attachments: number; bytes: number };
}

const MAGIC = new TextEncoder().encode('AWBM');
const VERSION = 1;
const SIGNATURE_BYTES = 64;
const SIGNED_START = MAGIC.length + 1 + SIGNATURE_BYTES;

const aadOf = (vaultId: string, seq: number): Uint8Array =>
  new TextEncoder().encode(`afterword/backup/manifest/v1\0${vaultId}\0${seq}`);

/** [AWBM][version][Ed25519 signature of what follows, with the header][nonce][ciphertext + tag] */
export function encodeManifest(keys: BackupKeys, manifest: Manifest): { bytes: Uint8Array; hash: string } {
  const nonce = randomBytes(XCHACHA_NONCE_BYTES);
  const sealed = xchachaSeal(
    keys.manifestKey,
    nonce,
    new TextEncoder().encode(JSON.stringify(manifest)),
    aadOf(manifest.vaultId, manifest.seq),
  );
  const out = new Uint8Array(SIGNED_START + nonce.length + sealed.length);
  out.set(MAGIC, 0);
  out[MAGIC.length] = VERSION;
  out.set(nonce, SIGNED_START);
  out.set(sealed, SIGNED_START + nonce.length);
  out.set(signBytes(keys, signedPart(out)), MAGIC.length + 1);
  return { bytes: out, hash: sha256Hex(out) };
}

function signedPart(bytes: Uint8Array): Uint8Array {
  const part = new Uint8Array(bytes.length - SIGNATURE_BYTES);
  part.set(bytes.subarray(0, MAGIC.length + 1), 0);
  part.set(bytes.subarray(SIGNED_START), MAGIC.length + 1);
  return part;
}

/**
 * Checks the signature (anyone holding `config`'s public key can), then opens it as the manifest
 * of this vault and this seq: an older manifest put under a newer name, or one from another vault,
 * is refused and named.
 */
export function checkManifestSignature(publicKey: KeyObject, seq: number, bytes: Uint8Array): void {
  const ok =
    bytes.length > SIGNED_START + XCHACHA_NONCE_BYTES + 16 &&
    MAGIC.every((b, i) => bytes[i] === b) &&
    bytes[MAGIC.length] === VERSION &&
    verifySignature(publicKey, signedPart(bytes), bytes.subarray(MAGIC.length + 1, SIGNED_START));
  if (!ok) {
    throw new BackupTamperedError(
      'foreign',
      `manifest ${seq} in the bucket is not signed by this vault: it was changed or comes from another vault`,
    );
  }
}

export function decodeManifest(
  keys: BackupKeys,
  vaultId: string,
  seq: number,
  bytes: Uint8Array,
): { manifest: Manifest; hash: string } {
  checkManifestSignature(keys.publicKey, seq, bytes);
  let plaintext: Uint8Array;
  try {
    plaintext = xchachaOpen(
      keys.manifestKey,
      bytes.subarray(SIGNED_START, SIGNED_START + XCHACHA_NONCE_BYTES),
      bytes.subarray(SIGNED_START + XCHACHA_NONCE_BYTES),
      aadOf(vaultId, seq),
    );
  } catch (error) {
    if (!(error instanceof AeadAuthError)) throw error;
    throw new BackupTamperedError(
      'manifest',
      `manifest ${seq} in the bucket is not the one written as snapshot ${seq}: an older manifest was put back in its place`,
    );
  }
  const manifest = JSON.parse(new TextDecoder().decode(plaintext)) as Manifest;
  if (manifest.seq !== seq || manifest.vaultId !== vaultId) {
    throw new BackupTamperedError(
      'manifest',
      `manifest ${seq} in the bucket does not describe snapshot ${seq} of this vault`,
    );
  }
  return { manifest, hash: sha256Hex(bytes) };
}

/** The snapshot id people type: the seq and the start of the manifest's hash. */
export function snapshotId(seq: number, hash: string): string {
  return `${seq}-${hash.slice(0, 12)}`;
}
