import type { Logger } from '../../core/ports/logger.js';

/** The renderer is served from app://app/ (see app-protocol.ts); nothing else is "the app". */
export const APP_SCHEME = 'app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The window's webPreferences, minus the preload path and arguments that main.ts adds. */
export const WEB_PREFERENCES = Object.freeze({
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  enableWebSQL: false,
  safeDialogs: true,
} as const);

function parse(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length > 8192) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** app://app/… exactly: no other host, no port, no credentials. */
export function isAppUrl(raw: unknown): boolean {
  const url = parse(raw);
  return (
    url !== null &&
    url.protocol === `${APP_SCHEME}:` &&
    url.host.toLowerCase() === APP_HOST &&
    url.username === '' &&
    url.password === ''
  );
}

/** What may be handed to the OS browser: https only, a real host, no user:password@. */
export function isSafeExternalUrl(raw: unknown): boolean {
  const url = parse(raw);
  return url !== null && url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '';
}

/** IPC is answered only for the app's own main frame (never a sub-frame, never another origin). */
export function isTrustedSender(frameUrl: string | null | undefined, isMainFrame: boolean): boolean {
  return isMainFrame === true && isAppUrl(frameUrl);
}

/** The same check on an Electron IPC event (`senderFrame` is null once the frame is gone). */
export function isTrustedIpcEvent(event: { senderFrame: { url: string; parent: unknown } | null }): boolean {
  const frame = event.senderFrame;
  return frame !== null && isTrustedSender(frame.url, frame.parent === null);
}

interface Preventable {
  url: string;
  preventDefault(): void;
}

/** The part of Electron's WebContents that gets locked down; one overload per event, as Electron types it. */
export interface WebContentsLike {
  on(event: 'will-navigate', listener: (event: Preventable) => void): unknown;
  on(event: 'will-frame-navigate', listener: (event: Preventable) => void): unknown;
  on(event: 'will-redirect', listener: (event: Preventable) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** What Electron tells a permission handler about the frame that asks (PermissionRequest / check details). */
export interface PermissionDetails {
  isMainFrame: boolean;
  requestingUrl?: string;
}

export interface SessionLike {
  setPermissionRequestHandler(
    handler: (
      contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: PermissionDetails,
    ) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (contents: unknown, permission: string, requestingOrigin: string, details: PermissionDetails) => boolean,
  ): void;
}

export interface SecurityDeps {
  /** shell.openExternal; only ever called with a URL that passed isSafeExternalUrl. */
  openExternal(url: string): Promise<void>;
  log: Logger;
}

/** Opens https links in the OS browser; everything else is dropped (and logged without the URL's path). */
export function openExternally(url: string, deps: SecurityDeps): void {
  if (!isSafeExternalUrl(url)) {
    deps.log.warn('refused to open a link outside the app', { scheme: parse(url)?.protocol ?? 'unparseable' });
    return;
  }
  deps
    .openExternal(url)
    .catch((error: unknown) => deps.log.warn('could not open the link', { error: (error as Error).message }));
}

/**
 * Every web contents: navigation only within app://app, links out go to the browser (https only),
 * no new windows, no <webview>.
 */
export function secureWebContents(contents: WebContentsLike, deps: SecurityDeps): void {
  const guard = (event: Preventable): void => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    openExternally(event.url, deps);
  };
  contents.on('will-navigate', guard);
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url, deps);
    return { action: 'deny' };
  });
}

/**
 * The one permission the app needs: `clipboard-sanitized-write`, which `navigator.clipboard.writeText`
 * asks for (the recovery key's and the webhook secret's Copy buttons); only for the app's own main
 * frame. Chromium checks first and requests when the check says no, so both handlers answer alike.
 */
export function isPermissionAllowed(permission: string, url: string | undefined, isMainFrame: boolean): boolean {
  return permission === 'clipboard-sanitized-write' && isMainFrame === true && isAppUrl(url);
}

/** No other permission (camera, microphone, notifications from the page, geolocation, clipboard reads…) is ever granted. */
export function secureSession(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionAllowed(permission, details?.requestingUrl, details?.isMainFrame)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionAllowed(permission, details?.requestingUrl ?? requestingOrigin, details?.isMainFrame),
  );
}
