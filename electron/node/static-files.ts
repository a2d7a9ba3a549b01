import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';

/** What the renderer build contains, by extension; anything else is application/octet-stream. */
const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function mimeTypeOf(file: string): string {
  return MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * A raw HTTP request target that tries to leave the directory in any spelling: `..` (raw or
 * percent-encoded, in any case), backslashes, encoded slashes, NUL. URL parsers resolve `/../x` and
 * `/%2e%2e/x` to `/x` before a handler sees the path, so a server that has the raw target checks it too.
 */
export function isTraversal(rawTarget: string): boolean {
  const path = rawTarget.split('?')[0] ?? '';
  if (/%(?:2f|5c|00)|\\|\0/i.test(path)) return true;
  return path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
}

export type StaticPath = { ok: true; segments: string[] } | { ok: false; status: 400; reason: string };

/**
 * A URL's path (percent-encoded, as URL.pathname gives it) → the path segments under the root, or
 * why not. Pure. It is decoded once; dot segments left after the URL parser can only have come from
 * encoding (%2e%2e, ..%2f), so they are refused, as are backslashes, NUL and other control
 * characters, and ':' (drive letters, NTFS streams). Empty segments drop out: `//etc/passwd` stays
 * under the root as etc/passwd. `/` is index.html.
 */
export function resolveStaticPath(pathname: string): StaticPath {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return { ok: false, status: 400, reason: 'bad percent-encoding' };
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f\\:]/.test(path)) return { ok: false, status: 400, reason: 'forbidden character in path' };
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) return { ok: false, status: 400, reason: 'path traversal' };
  return { ok: true, segments: segments.length > 0 ? segments : ['index.html'] };
}

/** The file system a lookup reads (node:fs/promises; injectable for an archive or a test). */
export interface StaticFileSystem {
  realpath(path: string): Promise<string>;
  stat(path: string): Promise<{ isFile(): boolean }>;
  readFile(path: string): Promise<Uint8Array>;
}

export const nodeFileSystem: StaticFileSystem = { realpath, stat, readFile };

const within = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
};

/** The real file for these segments, if it exists, is a regular file, and really lies inside root. */
async function locate(realRoot: string, segments: string[], fs: StaticFileSystem): Promise<string | 'outside' | null> {
  const candidate = join(realRoot, ...segments);
  if (!within(realRoot, candidate)) return 'outside';
  let real: string;
  try {
    real = await fs.realpath(candidate);
  } catch {
    return null;
  }
  if (!within(realRoot, real)) return 'outside'; // a symlink out of the root
  try {
    return (await fs.stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

export type StaticLookup =
  | { ok: true; path: string; contentType: string; isHtml: boolean }
  | { ok: false; status: 400 | 403 | 404 | 500; reason: string };

/**
 * The file that serves `pathname` from `root`: files inside `root` only (symlinks resolved first),
 * index.html for any extension-less path that is not a file (the single-page app routes it
 * itself), 404 for a missing asset. Each app turns the answer into its own kind of response.
 */
export async function findStaticFile(
  root: string,
  pathname: string,
  fs: StaticFileSystem = nodeFileSystem,
): Promise<StaticLookup> {
  const resolved = resolveStaticPath(pathname);
  if (!resolved.ok) return resolved;
  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
  } catch {
    return { ok: false, status: 500, reason: 'the app files are missing' };
  }
  let file = await locate(realRoot, resolved.segments, fs);
  const last = resolved.segments[resolved.segments.length - 1]!;
  if (file === null && extname(last) === '') file = await locate(realRoot, ['index.html'], fs);
  if (file === 'outside') return { ok: false, status: 403, reason: 'outside the app' };
  if (file === null) return { ok: false, status: 404, reason: 'Not found' };
  const contentType = mimeTypeOf(file);
  return { ok: true, path: file, contentType, isHtml: contentType.startsWith('text/html') };
}
