/**
 * Named errors of the crypto layer. None of them ever carries key material or plaintext:
 * only structural facts (which field, which chunk, which parameter) that help diagnose.
 */
import { AfterwordError, IntegrityError } from '../errors.js';

/** An AEAD tag did not verify: wrong key, wrong nonce, wrong associated data, or modified bytes. */
export class AeadAuthError extends IntegrityError {
  constructor(message = 'authentication failed: the ciphertext, its associated data or the key is wrong') {
    super(message);
  }
}

/** A field envelope is too short, or names a version or algorithm this build does not know. */
export class UnsupportedEnvelopeError extends IntegrityError {
  constructor(detail: string) {
    super(`unsupported or malformed encrypted field envelope: ${detail}`);
  }
}

/** A field envelope was sealed under another content key than the one offered. */
export class WrongKeyError extends IntegrityError {
  constructor(
    readonly envelopeKeyId: string,
    readonly offeredKeyId: string,
  ) {
    super(`encrypted field was sealed with content key ${envelopeKeyId}, but key ${offeredKeyId} was offered`);
  }
}

/** A field envelope failed authentication for the place it was read from. */
export class FieldTamperedError extends IntegrityError {
  constructor(
    readonly table: string,
    readonly column: string,
    readonly rowId: string,
  ) {
    super(
      `encrypted field ${table}.${column} of row ${rowId} failed authentication: ` +
        'it was modified, corrupted, or copied from another row or column',
    );
  }
}

/** Stored scrypt parameters are weaker than the floor (or absurdly large). */
export class WeakKdfParamsError extends IntegrityError {
  constructor(message = 'KDF parameters below the safety floor; the vault may have been tampered with') {
    super(message);
  }
}

/** The recovery key has the wrong length or characters outside the Crockford base32 alphabet. */
export class RecoveryKeyFormatError extends AfterwordError {
  constructor(detail: string) {
    super('RECOVERY_KEY_INVALID', `the recovery key is not well formed: ${detail}`);
  }
}

/** The recovery key is well formed but its checksum does not match: almost surely a typo. */
export class RecoveryKeyChecksumError extends AfterwordError {
  constructor() {
    super('RECOVERY_KEY_INVALID', 'the recovery key has a typo: check each group');
  }
}

/** An encrypted blob's header has a bad magic, version, algorithm or key id. */
export class BlobHeaderError extends IntegrityError {
  constructor(blobId: string, detail: string) {
    super(`encrypted blob ${blobId} has an invalid header: ${detail}`);
  }
}

/** A chunk of an encrypted blob failed authentication (modified, reordered, or wrong blob id). */
export class BlobChunkTamperedError extends IntegrityError {
  constructor(
    blobId: string,
    readonly chunkIndex: number,
    detail = 'it was modified, reordered, cut, or belongs to another blob',
  ) {
    super(`encrypted blob ${blobId}: chunk ${chunkIndex} failed authentication: ${detail}`);
  }
}

/** The encrypted blob ended before its final chunk was verified. */
export class BlobTruncatedError extends IntegrityError {
  constructor(blobId: string, detail: string) {
    super(`encrypted blob ${blobId} is truncated: ${detail}`);
  }
}

/** Bytes follow the final chunk of an encrypted blob. */
export class BlobExtendedError extends IntegrityError {
  constructor(blobId: string, detail: string) {
    super(`encrypted blob ${blobId} has data after its final chunk: ${detail}`);
  }
}
