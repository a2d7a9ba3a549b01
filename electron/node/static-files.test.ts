import { rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRendererTree } from './test-support/renderer-tree.js';
import { findStaticFile, isTraversal, mimeTypeOf, resolveStaticPath } from './static-files.js';

let base: string;
let root: string;

beforeAll(async () => {
  ({ base, root } = await makeRendererTree('afterword-static-'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('resolveStaticPath', () => {
  it('maps a path to segments under the root', () => {
    expect(resolveStaticPath('/')).toEqual({ ok: true, segments: ['index.html'] });
    expect(resolveStaticPath('/a/b%20c.js')).toEqual({ ok: true, segments: ['a', 'b c.js'] });
    expect(resolveStaticPath('//a//b')).toEqual({ ok: true, segments: ['a', 'b'] });
    // An absolute path stays under the root: its empty first segment drops out.
    expect(resolveStaticPath('/%2Fetc%2Fpasswd')).toEqual({ ok: true, segments: ['etc', 'passwd'] });
    expect(resolveStaticPath('/..%252fx')).toEqual({ ok: true, segments: ['..%2fx'] }); // decoded once
  });

  it.each([
    ['/..', 'path traversal'],
    ['/../secret.txt', 'path traversal'],
    ['/%2e%2e/secret.txt', 'path traversal'],
    ['/%2E%2E/%2e%2e/secret.txt', 'path traversal'],
    ['/.%2e/secret.txt', 'path traversal'],
    ['/assets/..%2f..%2fsecret.txt', 'path traversal'],
    ['/%2e%2e%2fsecret.txt', 'path traversal'],
    ['/./index.html', 'path traversal'],
    ['/..%5csecret.txt', 'forbidden character in path'],
    ['/assets\\..\\secret.txt', 'forbidden character in path'],
    ['/index.html%00.js', 'forbidden character in path'],
    ['/%0aindex.html', 'forbidden character in path'],
    ['/C:%5cWindows%5cwin.ini', 'forbidden character in path'],
    ['/C:/Windows/win.ini', 'forbidden character in path'],
    ['/index.html::$DATA', 'forbidden character in path'],
    ['/%E0%A4%A', 'bad percent-encoding'],
  ])('refuses %s (%s)', (path, reason) => {
    expect(resolveStaticPath(path)).toEqual({ ok: false, status: 400, reason });
  });
});

describe('findStaticFile', () => {
  it('finds files with their types, and index.html for SPA routes but not for missing assets', async () => {
    expect(await findStaticFile(root, '/')).toEqual({
      ok: true,
      path: join(root, 'index.html'),
      contentType: 'text/html; charset=utf-8',
      isHtml: true,
    });
    expect(await findStaticFile(root, '/assets/app.js')).toMatchObject({
      ok: true,
      path: join(root, 'assets', 'app.js'),
      isHtml: false,
    });
    expect(await findStaticFile(root, '/messages/msg_1')).toMatchObject({ ok: true, path: join(root, 'index.html') });
    expect(await findStaticFile(root, '/assets')).toMatchObject({ ok: true, path: join(root, 'index.html') }); // a directory
    expect(await findStaticFile(root, '/assets/missing.js')).toMatchObject({ ok: false, status: 404 });
    expect(await findStaticFile(join(base, 'nope'), '/')).toMatchObject({ ok: false, status: 500 });
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%2frenderer-evil.txt',
    '/%2Fetc%2Fpasswd.txt',
    '/..%252fsecret.txt',
  ])('%s never reaches a file outside the root', async (path) => {
    const found = await findStaticFile(root, path);
    expect(found.ok).toBe(false);
  });

  it.skipIf(process.platform === 'win32')(
    'refuses symlinks that lead out of the root, follows those inside',
    async () => {
      expect(await findStaticFile(root, '/link-out.txt')).toMatchObject({ ok: false, status: 403 });
      expect(await findStaticFile(root, '/dir-out/secret.txt')).toMatchObject({ ok: false, status: 403 });
      expect(await findStaticFile(root, '/link-in.js')).toMatchObject({
        ok: true,
        path: join(root, 'assets', 'app.js'),
      });
    },
  );

  it.skipIf(process.platform === 'win32')('a root given through a symlink still serves its files', async () => {
    const alias = join(base, 'alias');
    await symlink(root, alias);
    expect(await findStaticFile(alias, '/assets/app.js')).toMatchObject({
      ok: true,
      path: join(root, 'assets', 'app.js'),
    });
  });
});

describe('isTraversal (raw request targets, before a URL parser normalises them)', () => {
  it('recognises every spelling of a parent or current segment and encoded separators', () => {
    for (const t of ['/..', '/../x', '/.', '/a/%2e%2e/x', '/a/.%2E/x', '/%2e/x', '/a%2fb', '/a%5cb', '/a\\b', '/a%00b'])
      expect(isTraversal(t)).toBe(true);
    for (const t of ['/', '/assets/app.js', '/a..b', '/...', '/x?q=..', '/x?q=%2f']) expect(isTraversal(t)).toBe(false);
  });
});

describe('mimeTypeOf', () => {
  it('knows the renderer build types, and falls back to octet-stream', () => {
    expect(mimeTypeOf('a.HTML')).toBe('text/html; charset=utf-8');
    expect(mimeTypeOf('a.mjs')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeOf('a.svg')).toBe('image/svg+xml');
    expect(mimeTypeOf('a.woff2')).toBe('font/woff2');
    expect(mimeTypeOf('a.avif')).toBe('image/avif');
    expect(mimeTypeOf('a.otf')).toBe('font/otf');
    expect(mimeTypeOf('a.wasm')).toBe('application/wasm');
    expect(mimeTypeOf('a.ts')).toBe('application/octet-stream');
    expect(mimeTypeOf('README')).toBe('application/octet-stream');
  });
});
