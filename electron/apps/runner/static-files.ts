import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

export interface StaticFile {
  body: Uint8Array;
  contentType: string;
  isHtml: boolean;
  /** index.html is revalidated; hashed assets may be cached. */
  cacheControl: string;
}

/**
 * A request target that tries to leave the directory in any spelling: `..` (raw or percent-encoded,
 * in any case), backslashes, encoded slashes, NUL. URL parsers resolve `/../x` and `/%2e%2e/x`
 * to `/x` before a handler sees the path, so the raw target is checked too.
 */
export function isTraversal(rawTarget: string): boolean {
  const path = rawTarget.split('?')[0] ?? '';
  if (/%(?:2f|5c|00)|\\|\0/i.test(path)) return true;
  return path.split('/').some((segment) => /^(?:\.|%2e){2}$/i.test(segment) || /^(?:\.|%2e)$/i.test(segment));
}

/**
 * Serves `root` at `/` with a single-page-app fallback: a path with no file extension that is not
 * a file gets index.html (client-side routes); a missing file with an extension is a 404.
 */
export class StaticFiles {
  private realRoot: string | null = null;

  constructor(private readonly root: string) {}

  private async rootDir(): Promise<string> {
    this.realRoot ??= await realpath(resolve(this.root));
    return this.realRoot;
  }

  async lookup(pathname: string): Promise<StaticFile | null> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return null;
    }
    if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').some((s) => s === '..')) return null;
    const root = await this.rootDir();
    const file = await this.file(root, decoded === '/' ? '/index.html' : decoded);
    if (file) return file;
    const last = decoded.split('/').pop() ?? '';
    return last.includes('.') ? null : this.file(root, '/index.html');
  }

  private async file(root: string, path: string): Promise<StaticFile | null> {
    const candidate = resolve(root, `.${path}`);
    if (!candidate.startsWith(root + sep)) return null;
    try {
      const info = await stat(candidate);
      const target = info.isDirectory() ? join(candidate, 'index.html') : candidate;
      const real = await realpath(target);
      if (!real.startsWith(root + sep)) return null; // a symlink out of the directory
      if (!(await stat(real)).isFile()) return null;
      const type = TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream';
      const isHtml = type.startsWith('text/html');
      return {
        body: new Uint8Array(await readFile(real)),
        contentType: type,
        isHtml,
        cacheControl: isHtml ? 'no-cache' : 'public, max-age=3600',
      };
    } catch {
      return null;
    }
  }
}
