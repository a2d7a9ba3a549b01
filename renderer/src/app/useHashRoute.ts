import { useCallback, useEffect, useRef, useState } from 'react';
import type { LeaveGate } from './LeaveGuardProvider';

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

const sameRoute = (a: HashRoute, b: HashRoute) => a.screen === b.screen && a.params.join('/') === b.params.join('/');

/**
 * Routing in the URL's fragment: it works the same under Electron's app:// and the runner's
 * http://, needs no server support, and survives a reload.
 *
 * With a `gate`, leaving a screen that holds unsaved changes asks first, whichever way it is left:
 * `navigate()`, a link of the app, or Back/Forward. Back/Forward (and an address typed by hand)
 * have already changed the address when we hear of them, so it is put back (replaced, adding no
 * history entry) while the person decides; leaving anyway goes to where they were heading.
 */
export function useHashRoute(
  fallback: string,
  gate?: LeaveGate,
): [HashRoute, (screen: string, ...params: string[]) => void] {
  const [route, setRoute] = useState(() => parseHash(window.location.hash, fallback));
  const shown = useRef(window.location.href);
  const allowed = useRef<string | null>(null);

  useEffect(() => {
    const onChange = () => {
      const next = parseHash(window.location.hash, fallback);
      const current = parseHash(new URL(shown.current).hash, fallback);
      const target = window.location.hash;
      if (allowed.current !== target && !sameRoute(next, current) && gate?.blocked()) {
        window.history.replaceState(window.history.state, '', shown.current);
        gate.ask(() => {
          allowed.current = target;
          window.location.hash = target;
        });
        return;
      }
      allowed.current = null;
      shown.current = window.location.href;
      setRoute(next);
    };
    // A link inside the app asks before the address changes, so that no history entry is added.
    const onClick = (event: MouseEvent) => {
      const link = event.target instanceof Element ? event.target.closest<HTMLAnchorElement>('a[href^="#/"]') : null;
      if (
        !link ||
        event.defaultPrevented ||
        event.button !== 0 ||
        event.metaKey ||
        event.ctrlKey ||
        event.shiftKey ||
        event.altKey
      )
        return;
      const target = link.getAttribute('href')!;
      if (target === window.location.hash || !gate?.blocked()) return;
      event.preventDefault();
      gate.ask(() => {
        allowed.current = target;
        window.location.hash = target;
      });
    };
    window.addEventListener('hashchange', onChange);
    document.addEventListener('click', onClick);
    return () => {
      window.removeEventListener('hashchange', onChange);
      document.removeEventListener('click', onClick);
    };
  }, [fallback, gate]);

  const navigate = useCallback(
    (screen: string, ...params: string[]) => {
      const target = hashFor(screen, ...params);
      const go = () => {
        if (window.location.hash === target) return;
        allowed.current = target;
        window.location.hash = target;
      };
      if (gate?.blocked() && !sameRoute(parseHash(target, fallback), parseHash(new URL(shown.current).hash, fallback)))
        gate.ask(go);
      else go();
    },
    [fallback, gate],
  );
  return [route, navigate];
}
