import { useCallback, useEffect, useState } from 'react';

export interface HashRoute {
  /** First path segment: the screen ('dashboard', 'messages', …). */
  screen: string;
  /** The rest, for screens with sub-pages ('new', an id). */
  params: string[];
}

export function parseHash(hash: string, fallback: string): HashRoute {
  const segments = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [screen, ...params] = segments;
  return { screen: screen ?? fallback, params };
}

export function hashFor(screen: string, ...params: string[]): string {
  return `#/${[screen, ...params].map(encodeURIComponent).join('/')}`;
}

/**
 * Routing in the URL's fragment: it works the same under Electron's app:// and the runner's
 * http://, needs no server support, and survives a reload.
 */
export function useHashRoute(fallback: string): [HashRoute, (screen: string, ...params: string[]) => void] {
  const [route, setRoute] = useState(() => parseHash(window.location.hash, fallback));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash, fallback));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, [fallback]);
  const navigate = useCallback((screen: string, ...params: string[]) => {
    window.location.hash = hashFor(screen, ...params);
  }, []);
  return [route, navigate];
}
