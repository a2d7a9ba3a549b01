/**
 * age's passphrase recipient (the `scrypt` stanza of age-encryption.org/v1) with the scrypt work
 * on a worker thread: the age-encryption package derives it synchronously on the calling thread.
 * The stanza is the one `age -p` writes, so stock age and the package both open the file.
 */
import { randomBytes } from 'node:crypto';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { Stanza, type Recipient } from 'age-encryption';
import { startWorker } from '../delivery/mail-thread/start-worker.js';

/** age's default work factor (2^18): what `age -p` uses, and what both readers accept. */
export const AGE_SCRYPT_LOG_N = 18;
const LABEL = 'age-encryption.org/v1/scrypt';

/** scrypt(passphrase, label || salt) on a worker thread; the main thread keeps running meanwhile. */
function scryptOffThread(passphrase: string, salt: Uint8Array, logN: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(new URL('./scrypt-thread-entry', import.meta.url), import.meta.url, {
      workerData: { passphrase, salt, logN },
    });
    let settled = false;
    worker.once('message', (key: Uint8Array) => {
      settled = true;
      resolve(key);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the scrypt thread stopped (exit code ${code}) before it answered`));
    });
  });
}

export class PassphraseRecipient implements Recipient {
  constructor(
    private readonly passphrase: string,
    private readonly logN = AGE_SCRYPT_LOG_N,
  ) {}

  async wrapFileKey(fileKey: Uint8Array): Promise<Stanza[]> {
    const salt = randomBytes(16);
    const labelAndSalt = new Uint8Array(LABEL.length + salt.length);
    labelAndSalt.set(new TextEncoder().encode(LABEL));
    labelAndSalt.set(salt, LABEL.length);
    const key = await scryptOffThread(this.passphrase, labelAndSalt, this.logN);
    const body = chacha20poly1305(key, new Uint8Array(12)).encrypt(fileKey);
    key.fill(0);
    const saltText = Buffer.from(salt).toString('base64').replace(/=+$/, '');
    return [new Stanza(['scrypt', saltText, String(this.logN)], body)];
  }
}
