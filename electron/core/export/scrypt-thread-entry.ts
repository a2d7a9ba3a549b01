/**
 * One scrypt derivation on a worker thread (see passphrase-recipient.ts): an export's passphrase
 * work (age's 2^18, 256 MiB) would otherwise hold the main thread, and with it the desktop window
 * and the scheduler, for about a second.
 */
import { scryptSync } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

interface ScryptJob {
  passphrase: string;
  salt: Uint8Array;
  logN: number;
}

const { passphrase, salt, logN } = workerData as ScryptJob;
const N = 2 ** logN;
const key = scryptSync(passphrase, salt, 32, { N, r: 8, p: 1, maxmem: 128 * N * 8 + 16 * 1024 * 1024 });
parentPort!.postMessage(new Uint8Array(key));
key.fill(0);
