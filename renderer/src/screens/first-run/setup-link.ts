import { preloadApi } from '../../client/ipc-transport';

const STORAGE_KEY = 'afterword.setupToken';

/**
 * The one-time setup token of `afterword serve` arrives as `?setup=…` in the printed link. It is
 * kept for this tab (across the first-run steps and a refresh) and removed from the address bar,
 * so that it is not left in the history or on screen.
 */
export function captureSetupToken(
  location: Location = window.location,
  storage: Storage = window.sessionStorage,
): void {
  const params = new URLSearchParams(location.search);
  const token = params.get('setup');
  if (token === null) return;
  try {
    if (token) storage.setItem(STORAGE_KEY, token);
  } catch {
    // Storage refused (private mode): the link still works until the page is reloaded.
    memory = token;
  }
  params.delete('setup');
  const search = params.toString();
  window.history.replaceState(
    window.history.state,
    '',
    `${location.pathname}${search ? `?${search}` : ''}${location.hash}`,
  );
}

let memory: string | null = null;

export function setupToken(storage: Storage = window.sessionStorage): string | null {
  try {
    return storage.getItem(STORAGE_KEY) ?? memory;
  } catch {
    return memory;
  }
}

/** The vault exists: the token opens nothing any more. */
export function forgetSetupToken(storage: Storage = window.sessionStorage): void {
  memory = null;
  try {
    storage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
}

/** Over HTTP (`afterword serve`) creating the vault needs the link; the desktop app needs none. */
export function missingSetupLink(): boolean {
  return preloadApi() === null && setupToken() === null;
}
