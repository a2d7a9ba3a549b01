import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from './test-support/memory-logger.js';
import {
  APP_ENTRY_URL,
  WEB_PREFERENCES,
  isAppUrl,
  isSafeExternalUrl,
  isTrustedIpcEvent,
  isTrustedSender,
  secureSession,
  secureWebContents,
  type WebContentsLike,
} from './window-security.js';
import type { PermissionDetails } from './window-security.js';

describe('isAppUrl', () => {
  it.each([
    APP_ENTRY_URL,
    'app://app/',
    'app://app/messages/msg_1?x=1#top',
    'app://app/../',
    'app://app/%2e%2e/x',
    'APP://APP/index.html',
  ])('accepts %s', (url) => expect(isAppUrl(url)).toBe(true));
  it.each([
    'app://evil.host/',
    'app://app.evil.host/',
    'app://evil/app://app/',
    'app://app@evil/',
    'app://user:pw@app/',
    'app://app:8080/',
    'app:///etc/passwd',
    'app:app/index.html',
    'app:/index.html',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'https://app/',
    'http://localhost:5173/',
    'data:text/html,<script>1</script>',
    'blob:app://app/1234',
    'about:blank',
    '',
    'not a url',
    undefined,
    null,
    42,
  ])('refuses %s', (url) => expect(isAppUrl(url)).toBe(false));
});

describe('isSafeExternalUrl', () => {
  it.each([
    'https://example.org/',
    'https://example.org/a?b=c#d',
    'HTTPS://Example.ORG',
    'https://xn--bcher-kva.example/',
  ])('allows %s', (url) => expect(isSafeExternalUrl(url)).toBe(true));
  it.each([
    'http://example.org/',
    'https://user:pw@example.org/',
    'https://user@example.org/',
    'https://:pw@example.org/',
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'file:///etc/passwd',
    'file://host/share',
    'app://app/',
    'data:text/html,x',
    'smb://host/share',
    'ms-msdt:/id',
    'mailto:a@example.org',
    'https:',
    '//example.org',
    '',
    undefined,
    'https://' + 'a'.repeat(9000),
  ])('refuses %s', (url) => expect(isSafeExternalUrl(url)).toBe(false));
});

describe('isTrustedSender', () => {
  it('trusts only the app main frame', () => {
    expect(isTrustedSender('app://app/index.html', true)).toBe(true);
    expect(isTrustedSender('app://app/index.html', false)).toBe(false);
    expect(isTrustedSender('app://evil.host/index.html', true)).toBe(false);
    expect(isTrustedSender('https://example.org/', true)).toBe(false);
    expect(isTrustedSender('file:///x/index.html', true)).toBe(false);
    expect(isTrustedSender('', true)).toBe(false);
    expect(isTrustedSender(null, true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
  });

  it('on an IPC event: the frame must exist, be the top frame, and be the app', () => {
    expect(isTrustedIpcEvent({ senderFrame: { url: APP_ENTRY_URL, parent: null } })).toBe(true);
    expect(isTrustedIpcEvent({ senderFrame: { url: APP_ENTRY_URL, parent: {} } })).toBe(false);
    expect(isTrustedIpcEvent({ senderFrame: { url: 'app://evil/', parent: null } })).toBe(false);
    expect(isTrustedIpcEvent({ senderFrame: null })).toBe(false);
  });
});

describe('constants', () => {
  it('the window is sandboxed and isolated, without Node or webviews', () => {
    expect(WEB_PREFERENCES).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(Object.isFrozen(WEB_PREFERENCES)).toBe(true);
  });
});

/** A web contents as far as the installer sees it: events plus the window-open handler. */
function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null;
  const contents = Object.assign(emitter, {
    setWindowOpenHandler(handler: (d: { url: string }) => { action: 'deny' }) {
      openHandler = handler;
    },
  }) as unknown as WebContentsLike & EventEmitter;
  const fire = (name: string, url = ''): boolean => {
    let prevented = false;
    emitter.emit(name, { url, preventDefault: () => void (prevented = true) });
    return prevented;
  };
  return { contents, fire, open: (url: string) => openHandler!({ url }) };
}

function install() {
  const opened: string[] = [];
  const log = memoryLogger();
  const fake = fakeContents();
  secureWebContents(fake.contents, { openExternal: async (url) => void opened.push(url), log });
  return { ...fake, opened, log };
}

describe('secureWebContents', () => {
  it('navigation stays within the app; https links go to the browser, anything else nowhere', () => {
    const s = install();
    expect(s.fire('will-navigate', 'app://app/settings')).toBe(false);
    expect(s.fire('will-navigate', 'https://example.org/help')).toBe(true);
    expect(s.fire('will-navigate', 'app://evil.host/')).toBe(true);
    expect(s.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(s.fire('will-navigate', 'javascript:alert(1)')).toBe(true);
    expect(s.fire('will-navigate', 'https://user:pw@example.org/')).toBe(true);
    expect(s.opened).toEqual(['https://example.org/help']);
    expect(s.log.lines.filter((l) => l.message.startsWith('refused')).map((l) => l.fields?.scheme)).toEqual([
      'app:',
      'file:',
      'javascript:',
      'https:',
    ]);
  });

  it('frames and redirects may not leave the app, and open nothing', () => {
    const s = install();
    expect(s.fire('will-frame-navigate', 'https://example.org/')).toBe(true);
    expect(s.fire('will-frame-navigate', 'app://app/x')).toBe(false);
    expect(s.fire('will-redirect', 'https://example.org/')).toBe(true);
    expect(s.fire('will-redirect', 'app://app/index.html')).toBe(false);
    expect(s.opened).toEqual([]);
  });

  it('never attaches a webview', () => {
    expect(install().fire('will-attach-webview')).toBe(true);
  });

  it('window.open is always denied; an https target opens in the browser', () => {
    const s = install();
    expect(s.open('https://example.org/')).toEqual({ action: 'deny' });
    expect(s.open('app://app/popup')).toEqual({ action: 'deny' });
    expect(s.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(s.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(s.opened).toEqual(['https://example.org/']);
  });

  it('a failing openExternal is logged', async () => {
    const log = memoryLogger();
    const fake = fakeContents();
    secureWebContents(fake.contents, { openExternal: () => Promise.reject(new Error('no browser')), log });
    fake.open('https://example.org/');
    await new Promise((r) => setTimeout(r, 0));
    expect(log.lines.at(-1)).toMatchObject({ level: 'warn', fields: { error: 'no browser' } });
  });
});

describe('secureSession', () => {
  type Request = (c: unknown, p: string, cb: (g: boolean) => void, d: PermissionDetails) => void;
  type Check = (c: unknown, p: string, origin: string, d: PermissionDetails) => boolean;
  function install() {
    let request: Request | null = null;
    let check: Check | null = null;
    secureSession({
      setPermissionRequestHandler: (h) => void (request = h),
      setPermissionCheckHandler: (h) => void (check = h),
    });
    return {
      requested(permission: string, details: PermissionDetails): boolean {
        let granted: boolean | null = null;
        request!(null, permission, (g) => (granted = g), details);
        return granted!;
      },
      checked: (permission: string, origin: string, details: PermissionDetails) =>
        check!(null, permission, origin, details),
    };
  }
  const APP_MAIN = { isMainFrame: true, requestingUrl: 'app://app/index.html' };

  it('denies every permission request and check but the clipboard write', () => {
    const s = install();
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'deprecated-sync-clipboard-read',
    ]) {
      expect(s.requested(permission, APP_MAIN)).toBe(false);
      expect(s.checked(permission, 'app://app', APP_MAIN)).toBe(false);
    }
  });

  it("allows clipboard-sanitized-write (navigator.clipboard.writeText) to the app's main frame only", () => {
    const s = install();
    expect(s.requested('clipboard-sanitized-write', APP_MAIN)).toBe(true);
    expect(s.checked('clipboard-sanitized-write', 'app://app', APP_MAIN)).toBe(true);
    expect(s.checked('clipboard-sanitized-write', 'app://app', { isMainFrame: true })).toBe(true);
    expect(s.requested('clipboard-sanitized-write', { ...APP_MAIN, isMainFrame: false })).toBe(false);
    expect(s.checked('clipboard-sanitized-write', 'app://app', { ...APP_MAIN, isMainFrame: false })).toBe(false);
    expect(
      s.requested('clipboard-sanitized-write', { isMainFrame: true, requestingUrl: 'https://evil.example/' }),
    ).toBe(false);
    expect(s.checked('clipboard-sanitized-write', 'https://evil.example', { isMainFrame: true })).toBe(false);
    expect(
      s.requested('clipboard-sanitized-write', { isMainFrame: true, requestingUrl: 'app://other/index.html' }),
    ).toBe(false);
  });
});
