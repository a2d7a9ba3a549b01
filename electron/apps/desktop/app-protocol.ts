import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { APP_HOST, APP_SCHEME, RENDERER_CSP } from './window-security.js';

/** Registered before `ready` (protocol.registerSchemesAsPrivileged): a secure, standard origin. */
export const APP_SCHEME_PRIVILEGES = Object.freeze({
  standard: true,
  secure: true,
  supportFetchAPI: true,
  codeCache: true,
});

const MIME: Readonly<Record<string, string>> = {
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
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type AppPath = { ok: true; segments: string[] } | { ok: false; status: 400 | 403; reason: string };

/**
 * An app:// URL → path segments under the renderer directory, or why not. Pure. Dot segments the
 * URL parser left in place can only have come from encoding (%2e%2e, ..%2f), so they are refused,
 * as are backslashes, NUL and other control characters, and ':' (drive letters, NTFS streams).
 */
export function resolveAppPath(rawUrl: string): AppPath {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST || url.username || url.password) {
    return { ok: false, status: 403, reason: 'not the app origin' };
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'bad percent-encoding' };
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f\\:]/.test(path)) return { ok: false, status: 400, reason: 'forbidden character in path' };
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) return { ok: false, status: 400, reason: 'path traversal' };
  return { ok: true, segments: segments.length > 0 ? segments : ['index.html'] };
}

/** The file system the handler reads (node:fs/promises; injectable for an archive or a test). */
export interface AppFileSystem {
  realpath(path: string): Promise<string>;
  stat(path: string): Promise<{ isFile(): boolean }>;
  readFile(path: string): Promise<Uint8Array>;
}

const nodeFs: AppFileSystem = { realpath, stat, readFile };

const within = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
};

const HEADERS = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
};

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** The real file for these segments, if it exists, is a regular file, and really lies inside root. */
async function locate(realRoot: string, segments: string[], fs: AppFileSystem): Promise<string | 'outside' | null> {
  const candidate = join(realRoot, ...segments);
  if (!within(realRoot, candidate)) return 'outside';
  let real: string;
  try {
    real = await fs.realpath(candidate);
  } catch {
    return null;
  }
  if (!within(realRoot, real)) return 'outside'; // a symlink out of the renderer directory
  try {
    return (await fs.stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

/**
 * Serves the built renderer: GET/HEAD only, files inside `root` only (symlinks resolved first),
 * index.html for any extension-less path the SPA routes itself, 404 for a missing asset.
 */
export async function serveAppRequest(request: { url: string; method: string }, root: string, fs: AppFileSystem = nodeFs): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
  const resolved = resolveAppPath(request.url);
  if (!resolved.ok) return plain(resolved.status, resolved.reason);
  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
  } catch {
    return plain(500, 'The app files are missing: reinstall Afterword');
  }
  let file = await locate(realRoot, resolved.segments, fs);
  const last = resolved.segments[resolved.segments.length - 1]!;
  if (file === null && extname(last) === '') file = await locate(realRoot, ['index.html'], fs);
  if (file === 'outside') return plain(403, 'outside the app');
  if (file === null) return plain(404, 'Not found');
  const body = request.method === 'HEAD' ? null : Buffer.from(await fs.readFile(file));
  return new Response(body, { status: 200, headers: { ...HEADERS, 'Content-Type': mimeTypeOf(file) } });
}

/** What protocol.handle('app', …) takes. */
export function createAppProtocolHandler(root: string, fs: AppFileSystem = nodeFs): (request: Request) => Promise<Response> {
  return (request) => serveAppRequest(request, root, fs);
}
