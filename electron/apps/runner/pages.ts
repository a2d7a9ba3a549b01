import { escapeHtml } from '../../core/delivery/html-escape.js';

/** Small server-rendered pages: check-in links and the placeholder shown until the UI is built. */

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1f2328;background:#fff}
@media (prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}}
h1{font-size:1.5rem}button{font-size:1.25rem;padding:.75rem 1.5rem;border-radius:.5rem;border:0;background:#1f6feb;color:#fff;cursor:pointer}
code{background:rgba(127,127,127,.15);padding:.1rem .3rem;border-radius:.25rem}.muted{opacity:.75}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex,nofollow"><title>${escapeHtml(title)} · Afterword</title><style>${STYLE}</style></head>
<body>${body}</body></html>`;
}

/** GET of a check-in link: a button, nothing else. Opening the link (a mail scanner) changes nothing. */
export function checkinConfirmPage(): string {
  return page(
    'Are you there?',
    `<h1>Are you there?</h1>
<p>Afterword sent you a warning because you have not checked in. Press the button to say you are here:
every plan starts its interval again and nothing is sent.</p>
<form method="post"><button type="submit">I'm here</button></form>
<p class="muted">Opening this page does not count as a check-in; only the button does.</p>`,
  );
}

export function checkinThanksPage(at: number): string {
  return page(
    'Thank you',
    `<h1>Thank you: you are checked in</h1>
<p>Checked in at ${escapeHtml(new Date(at).toISOString())}. Every plan starts its interval again; the warnings stop.</p>
<p class="muted">This link has now been used and will not work again.</p>`,
  );
}

export type RefusedReason = 'used' | 'expired' | 'invalid';

const REFUSED: Record<RefusedReason, { title: string; text: string }> = {
  used: {
    title: 'This link was already used',
    text: 'Each check-in link works once, and this one has been used. If you still want to check in, use a newer warning e-mail, the Afterword app, or run <code>afterword checkin</code>.',
  },
  expired: {
    title: 'This link has expired',
    text: 'Check-in links work for 14 days. Use the link in the most recent warning e-mail, open the Afterword app and press "I\'m here", or run <code>afterword checkin</code>.',
  },
  invalid: {
    title: 'This link is not valid',
    text: 'The link is damaged or does not belong to this Afterword. Copy the whole link from the warning e-mail, or open the Afterword app and press "I\'m here", or run <code>afterword checkin</code>.',
  },
};

export function checkinRefusedPage(reason: RefusedReason): string {
  const { title, text } = REFUSED[reason];
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${text}</p><p><strong>You are not checked in.</strong></p>`);
}

export function checkinUnavailablePage(): string {
  return page(
    'Afterword cannot check you in right now',
    `<h1>Afterword cannot check you in right now</h1>
<p>The vault on this server is locked (or not ready), so it cannot record the check-in.
Sign in to Afterword and press "I'm here", or run <code>afterword checkin</code> on the machine that holds the vault.</p>
<p><strong>You are not checked in.</strong></p>`,
  );
}

export interface PlaceholderStatus {
  vault: 'missing' | 'locked' | 'unlocked' | 'error';
  lastTickAgeMs: number | null;
}

/** Shown at / when dist/renderer is not built: what the runner is doing, and how to get the UI. */
export function uiNotBuiltPage(status: PlaceholderStatus): string {
  const vault = {
    missing: 'No vault yet. Create one through the UI once it is built, or with <code>afterword init</code>.',
    locked:
      'No key since this runner started: warnings and deliveries wait until the vault is unlocked once (or unattended delivery is on).',
    unlocked: 'The vault key is available: the scheduler is running.',
    error: 'The vault could not be opened: run <code>afterword doctor</code>.',
  }[status.vault];
  const tick = status.lastTickAgeMs === null ? 'never' : `${Math.round(status.lastTickAgeMs / 1000)} s ago`;
  return page(
    'Afterword runner',
    `<h1>Afterword is running</h1>
<p>The web UI is not built yet (it is served from <code>dist/renderer</code> once it is).</p>
<p>${vault}</p>
<p>Last scheduler tick: ${escapeHtml(tick)}.</p>
<p class="muted">Health: <a href="/healthz">/healthz</a>. Metrics (token or session): <code>/metrics</code>.</p>`,
  );
}
