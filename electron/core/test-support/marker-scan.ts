// Test helper: looks for a plaintext marker in files, as it could sit there (UTF-8, UTF-16, base64
// at each alignment). Only for *.test.ts files.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

const gone = (error: unknown): boolean =>
  ['ENOENT', 'EACCES', 'EPERM'].includes((error as NodeJS.ErrnoException).code!);

/** Every regular file under `dir`, or `dir` itself when it is a file (files removed or unreadable meanwhile are left out: other tests share tmp). */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return [dir]; // a file: itself
    if (gone(error)) return out;
    throw error;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** The marker as it could sit in a file: UTF-8 (either case), UTF-16LE, and base64 at each alignment. */
export function needlesFor(marker: string): Array<{ label: string; bytes: Buffer }> {
  const needles = [
    { label: 'utf-8', bytes: Buffer.from(marker, 'utf8') },
    { label: 'utf-8 lower case', bytes: Buffer.from(marker.toLowerCase(), 'utf8') },
    { label: 'utf-16le', bytes: Buffer.from(marker, 'utf16le') },
    { label: 'utf-16be', bytes: Buffer.from(marker, 'utf16le').swap16() },
  ];
  for (let shift = 0; shift < 3; shift++) {
    // The characters of base64(prefix + marker) that depend only on the marker's bytes.
    const encoded = Buffer.concat([Buffer.alloc(shift), Buffer.from(marker)]).toString('base64');
    const start = Math.ceil((shift * 4) / 3) + 1;
    const end = Math.floor(((shift + marker.length) * 4) / 3) - 1;
    needles.push({ label: `base64 (offset ${shift})`, bytes: Buffer.from(encoded.slice(start, end), 'latin1') });
  }
  return needles;
}

/**
 * Files under `dir` that hold the marker, as `path (encoding)`. `modifiedSince` (ms) skips older
 * files, for a shared folder such as the system's tmp.
 */
export async function findMarker(
  dir: string,
  marker: string,
  options: { modifiedSince?: number } = {},
): Promise<string[]> {
  const hits: string[] = [];
  const needles = needlesFor(marker);
  for (const file of await filesUnder(dir)) {
    let bytes: Buffer;
    try {
      if (options.modifiedSince !== undefined && (await stat(file)).mtimeMs < options.modifiedSince) continue;
      bytes = await readFile(file);
    } catch (error) {
      if (gone(error)) continue;
      throw error;
    }
    for (const needle of needles) {
      if (bytes.includes(needle.bytes)) hits.push(`${relative(dir, file)} (${needle.label})`);
    }
  }
  return hits;
}
