import {
  findStaticFile,
  nodeFileSystem,
  resolveStaticPath,
  type StaticFileSystem,
  type StaticPath,
} from '../../node/static-files.js';
import { APP_WINDOW_CSP } from '../../../shared/content-security-policy.js';
import { APP_HOST, APP_SCHEME } from './window-security.js';

/** Registered before `ready` (protocol.registerSchemesAsPrivileged): a secure, standard origin. */
export const APP_SCHEME_PRIVILEGES = Object.freeze({
  standard: true,
  secure: true,
  supportFetchAPI: true,
  codeCache: true,
});

export type AppPath = StaticPath | { ok: false; status: 403; reason: string };

/** An app:// URL → path segments under the renderer directory, or why not. Pure. */
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
  return resolveStaticPath(url.pathname);
}

const HEADERS = {
  'Content-Security-Policy': APP_WINDOW_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
};

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/**
 * Serves the built renderer: GET/HEAD only, files inside `root` only (symlinks resolved first),
 * index.html for any extension-less path the SPA routes itself, 404 for a missing asset.
 */
export async function serveAppRequest(
  request: { url: string; method: string },
  root: string,
  fs: StaticFileSystem = nodeFileSystem,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
  const resolved = resolveAppPath(request.url);
  if (!resolved.ok) return plain(resolved.status, resolved.reason);
  const found = await findStaticFile(root, new URL(request.url).pathname, fs);
  if (!found.ok)
    return plain(found.status, found.status === 500 ? 'The app files are missing: reinstall Afterword' : found.reason);
  const body = request.method === 'HEAD' ? null : Buffer.from(await fs.readFile(found.path));
  return new Response(body, { status: 200, headers: { ...HEADERS, 'Content-Type': found.contentType } });
}

/** What protocol.handle('app', …) takes. */
export function createAppProtocolHandler(
  root: string,
  fs: StaticFileSystem = nodeFileSystem,
): (request: Request) => Promise<Response> {
  return (request) => serveAppRequest(request, root, fs);
}
