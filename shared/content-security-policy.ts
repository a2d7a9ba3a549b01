/**
 * The Content-Security-Policy of every surface that serves HTML, declared once as data (directive →
 * sources). Each surface's string is derived here; where one differs from another, the comment on
 * that surface says why it must.
 */
export type CspDirectives = Readonly<Record<string, readonly string[]>>;

/** Where every policy starts: nothing loads, nothing embeds the page, no plugins, no <base>, no posts. */
const LOCKED_DOWN: CspDirectives = {
  'default-src': ["'none'"],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

/**
 * What the built renderer (renderer/, React + Mantine) needs, wherever it is served: scripts only
 * from its own origin, no eval, no network beyond that origin. Styles allow inline because Mantine
 * injects its CSS variables in <style> tags; scripts never run inline (the build fails if one would).
 * Fonts and images are real files (the build inlines no assets), plus a data: image (the two-step
 * sign-in QR code) and blob: images and media (attachment previews).
 */
export const RENDERER_POLICY: CspDirectives = {
  ...LOCKED_DOWN,
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'"],
  'media-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
};

/** Browsers ignore these in a <meta http-equiv> policy; only a response header carries them. */
const HEADER_ONLY_DIRECTIVES = ['frame-ancestors', 'report-uri', 'report-to', 'sandbox'];

/** `directive source source; directive source` in the policy's order. */
export function cspString(policy: CspDirectives): string {
  return Object.entries(policy)
    .map(([directive, sources]) => [directive, ...sources].join(' '))
    .join('; ');
}

/** The desktop window: the renderer policy as it is, sent with every app://app/ response. */
export const APP_WINDOW_CSP = cspString(RENDERER_POLICY);

/**
 * The <meta> the Vite build puts into index.html, so the page carries its policy into any server:
 * the renderer policy without what a <meta> cannot carry (frame-ancestors: the headers of app:// and
 * of the runner say it).
 */
export const RENDERER_META_CSP = cspString(
  Object.fromEntries(
    Object.entries(RENDERER_POLICY).filter(([directive]) => !HEADER_ONLY_DIRECTIVES.includes(directive)),
  ),
);

/**
 * The runner's web UI (`afterword serve`): the renderer policy, with the runner's WebSocket origins
 * (ws://host:port, as the runner is reached) named in connect-src beside 'self', for the event
 * socket in browsers that do not count ws: as 'self'. (The <meta> in index.html, which cannot know
 * the port, still says 'self' only; both apply.)
 */
export function runnerUiCsp(webSocketOrigins: readonly string[]): string {
  return cspString({ ...RENDERER_POLICY, 'connect-src': ["'self'", ...webSocketOrigins] });
}

/**
 * The runner's small server-rendered pages (check-in links, the page shown until the UI is built):
 * no script and no image at all; one inline <style> block; the check-in button's form posts back to
 * the page itself.
 */
export const SERVER_PAGE_CSP = cspString({
  ...LOCKED_DOWN,
  'style-src': ["'unsafe-inline'"],
  'form-action': ["'self'"],
});
