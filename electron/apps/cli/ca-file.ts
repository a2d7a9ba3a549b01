import { readFile } from 'node:fs/promises';
import { BadRequestError } from '../../core/errors.js';

/** `--ca-file`: the PEM text of an extra CA certificate, or a clear error naming the file. */
export async function readCaFile(path: string): Promise<string> {
  return readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new BadRequestError(`cannot read the CA file ${path} (${error.code ?? error.message})`);
  });
}
