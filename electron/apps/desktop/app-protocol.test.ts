import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRendererTree } from '../../node/test-support/renderer-tree.js';
import { createAppProtocolHandler, resolveAppPath, serveAppRequest } from './app-protocol.js';
import { APP_WINDOW_CSP } from '../../../shared/content-security-policy.js';

let base: string;
let root: string;

beforeAll(async () => {
  ({ base, root } = await makeRendererTree('afterword-app-protocol-'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function get(url: string, method = 'GET') {
  const response = await serveAppRequest({ url, method }, root);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: await response.text(),
    headers: response.headers,
  };
}

describe('serveAppRequest', () => {
  it('serves index.html at the root, with the CSP and nosniff', async () => {
    const r = await get('app://app/');
    expect(r).toMatchObject({
      status: 200,
      type: 'text/html; charset=utf-8',
      body: '<!doctype html><title>Afterword</title>',
    });
    expect(r.headers.get('content-security-policy')).toBe(APP_WINDOW_CSP);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves assets with their MIME types', async () => {
    expect(await get('app://app/assets/app.js')).toMatchObject({
      status: 200,
      type: 'text/javascript; charset=utf-8',
      body: 'console.log(1)',
    });
    expect(await get('app://app/assets/style.css')).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' });
    expect(await get('app://app/assets/app.js?v=2#x')).toMatchObject({ status: 200, body: 'console.log(1)' });
  });

  it('answers SPA routes with index.html, but a missing asset with 404', async () => {
    expect(await get('app://app/messages/msg_123')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(await get('app://app/assets')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' }); // a directory
    expect(await get('app://app/assets/missing.js')).toMatchObject({ status: 404 });
  });

  it.each([
    ['app://app/../secret.txt', 404], // the URL parser already resolved it to /secret.txt
    ['app://app/%2e%2e/secret.txt', 404], // likewise
    ['app://app/..%2fsecret.txt', 400],
    ['app://app/assets/%2e%2e%2f%2e%2e%2fsecret.txt', 400],
    ['app://app/assets/..%2F..%2Fsecret.txt', 400],
    ['app://app/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd', 400],
    ['app://app/..%5csecret.txt', 400],
    ['app://app/..\\secret.txt', 400],
    ['app://app/assets\\..\\..\\secret.txt', 400],
    ['app://app/index.html%00.js', 400],
    ['app://app/%0aindex.html', 400],
    ['app://app/C:%5cWindows%5cwin.ini', 400],
    ['app://app/index.html::$DATA', 400],
    ['app://app/%E0%A4%A', 400],
    ['app://app/%2Fetc%2Fpasswd', 200], // decodes to //etc/passwd: stays under the root; an SPA route
    ['app://app/%2Fetc%2Fpasswd.txt', 404],
    ['app://app/..%252fsecret.txt', 404], // double encoding is decoded once: a literal "..%2fsecret.txt" name
    ['app://app/../renderer-evil.txt', 404],
    ['app://evil.host/index.html', 403],
    ['app://app@evil/index.html', 403],
    ['app://app:1234/index.html', 403],
    ['app:///etc/passwd', 403],
    ['file:///etc/passwd', 403],
    ['not a url', 400],
  ])('refuses %s (%i) and never returns the secret', async (url, status) => {
    const r = await get(url);
    expect(r.status).toBe(status);
    expect(r.body).not.toContain('SECRET');
  });

  it.skipIf(process.platform === 'win32')(
    'refuses symlinks that lead out of the renderer directory, follows those inside',
    async () => {
      expect(await get('app://app/link-out.txt')).toMatchObject({ status: 403 });
      expect(await get('app://app/dir-out/secret.txt')).toMatchObject({ status: 403 });
      expect((await get('app://app/dir-out/secret.txt')).body).not.toContain('SECRET');
      expect(await get('app://app/link-in.js')).toMatchObject({ status: 200, body: 'console.log(1)' });
    },
  );

  it('GET and HEAD only', async () => {
    expect((await get('app://app/index.html', 'POST')).status).toBe(405);
    const head = await get('app://app/index.html', 'HEAD');
    expect(head).toMatchObject({ status: 200, body: '', type: 'text/html; charset=utf-8' });
  });

  it('says so when the renderer directory is missing', async () => {
    const r = await serveAppRequest({ url: 'app://app/', method: 'GET' }, join(base, 'nope'));
    expect(r.status).toBe(500);
  });

  it('works as a protocol.handle handler taking a Request', async () => {
    const handler = createAppProtocolHandler(root);
    const response = await handler(new Request('app://app/assets/app.js'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('console.log(1)');
  });
});

describe('resolveAppPath', () => {
  it('maps to segments', () => {
    expect(resolveAppPath('app://app/')).toEqual({ ok: true, segments: ['index.html'] });
    expect(resolveAppPath('app://app/a/b%20c.js')).toEqual({ ok: true, segments: ['a', 'b c.js'] });
    expect(resolveAppPath('app://app//a//b')).toEqual({ ok: true, segments: ['a', 'b'] });
    expect(resolveAppPath('app://app/%2e%2e%2fx')).toMatchObject({ ok: false, reason: 'path traversal' });
  });
});
