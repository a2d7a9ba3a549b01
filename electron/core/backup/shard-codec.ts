import { randomBytes, xchachaOpen, xchachaSeal, XCHACHA_NONCE_BYTES } from '../crypto/aead.js';
import { AeadAuthError } from '../crypto/crypto-errors.js';
import { BackupTamperedError } from './backup-errors.js';
import { shardIdOf, type BackupKeys } from './backup-keys.js';

/** A shard object: [version 1][nonce 24][ciphertext + tag 16]. */
const SHARD_VERSION = 1;
const HEADER = 1 + XCHACHA_NONCE_BYTES;

const aadOf = (id: string): Uint8Array => new TextEncoder().encode(`afterword/backup/shard/v1\0${id}`);

export function sealShard(keys: BackupKeys, id: string, plaintext: Uint8Array): Uint8Array {
  const nonce = randomBytes(XCHACHA_NONCE_BYTES);
  const sealed = xchachaSeal(keys.shardKey, nonce, plaintext, aadOf(id));
  const out = new Uint8Array(HEADER + sealed.length);
  out[0] = SHARD_VERSION;
  out.set(nonce, 1);
  out.set(sealed, HEADER);
  return out;
}

/**
 * Opens a shard and checks that it is the one its id names: a flipped byte, a truncated object
 * or a shard swapped for another (even one of this vault's) is refused, naming the shard.
 */
export function openShard(keys: BackupKeys, id: string, object: Uint8Array): Uint8Array {
  const damaged = (): BackupTamperedError =>
    new BackupTamperedError(
      'shard',
      `shard ${id} in the bucket was changed, cut short or swapped: it does not decrypt as the shard it is named`,
    );
  if (object.length < HEADER + 16 || object[0] !== SHARD_VERSION) throw damaged();
  let plaintext: Uint8Array;
  try {
    plaintext = xchachaOpen(keys.shardKey, object.subarray(1, HEADER), object.subarray(HEADER), aadOf(id));
  } catch (error) {
    if (error instanceof AeadAuthError) throw damaged();
    throw error;
  }
  if (shardIdOf(keys, plaintext) !== id) throw damaged();
  return plaintext;
}
