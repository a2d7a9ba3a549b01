/**
 * The one export writer: the vault's content as a tar (export-contents.ts), encrypted in the age
 * format as it is produced, into a 0600 temporary file beside the destination, synced, then
 * moved into place. Only ciphertext ever touches the disk; memory stays flat whatever the size of
 * the attachments (the tar is pulled a piece at a time through age's 64 KiB STREAM chunks).
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Encrypter } from 'age-encryption';
import { BadRequestError, ConflictError } from '../errors.js';
import type { VaultServices } from '../services.js';
import { exportContents, type ExportSummary } from './export-contents.js';
import { PassphraseRecipient } from './passphrase-recipient.js';
import { tarStream } from './tar-writer.js';

/** Who can open the export: whoever knows the passphrase, or holds the age key of the recipient. */
export type ExportTarget = { passphrase: string } | { recipient: string };

export interface WrittenExport extends ExportSummary {
  path: string;
  /** Bytes of the encrypted file. */
  size: number;
}

export interface ExportWriteOptions {
  now: number;
  /** Replace a file already at the destination (the app's own temporary exports); never for the user's files. */
  overwrite?: boolean;
  /** Lower scrypt cost for a passphrase: tests only. */
  scryptLogN?: number;
  /** Stops the export (Ctrl-C): the temporary file is removed and nothing is written. */
  signal?: AbortSignal;
}

function encrypterFor(target: ExportTarget, scryptLogN: number | undefined): Encrypter {
  const encrypter = new Encrypter();
  if ('passphrase' in target) {
    encrypter.addRecipient(new PassphraseRecipient(target.passphrase, scryptLogN));
    return encrypter;
  }
  try {
    encrypter.addRecipient(target.recipient);
  } catch (error) {
    throw new BadRequestError(
      `the recipient is not a valid age public key (${(error as Error).message.replace(/ in age1\w+/, '')}): give the whole public key that age-keygen printed, age1 followed by 58 characters`,
    );
  }
  return encrypter;
}

/** A pull-driven web stream over a generator: nothing is produced before the encryptor asks. */
function pulled(source: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await source.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel() {
        await source.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Moves the finished file into place; without `overwrite`, never over a file that appeared meanwhile. */
async function moveIntoPlace(tmp: string, destination: string, overwrite: boolean): Promise<void> {
  if (overwrite) return rename(tmp, destination);
  try {
    await link(tmp, destination);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new ConflictError(`${destination} already exists: choose another --out path`);
    // A file system without hard links (FAT, some network shares): checked, then renamed.
    if (await exists(destination)) throw new ConflictError(`${destination} already exists: choose another --out path`);
    return rename(tmp, destination);
  }
  await unlink(tmp);
}

/** Writes the encrypted export to `destination`. Throws before creating any file when the content cannot be read. */
export async function writeExport(
  services: VaultServices,
  target: ExportTarget,
  destination: string,
  options: ExportWriteOptions,
): Promise<WrittenExport> {
  const encrypter = encrypterFor(target, options.scryptLogN);
  const contents = exportContents(services, options.now);
  if (!options.overwrite && (await exists(destination))) {
    throw new ConflictError(`${destination} already exists: choose another --out path or remove it`);
  }
  const tmp = join(dirname(destination), `.${basename(destination)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', 0o600);
  let size = 0;
  try {
    const encrypted = await encrypter.encrypt(pulled(tarStream(contents.entries())));
    for await (const chunk of encrypted as unknown as AsyncIterable<Uint8Array>) {
      options.signal?.throwIfAborted();
      await handle.write(chunk);
      size += chunk.length;
    }
    options.signal?.throwIfAborted();
    await handle.sync();
    await handle.close();
    await moveIntoPlace(tmp, destination, Boolean(options.overwrite));
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw error;
  }
  return { path: destination, size, ...contents.summary };
}
