import { useCallback, useState } from 'react';
import { useNow } from '../../hooks/useNow';

/**
 * The wrong-password backoff as a deadline on the local clock: how long is left (ms, 0 when free
 * to try), re-rendered every second while it runs.
 */
export function useLockout(initialRetryAfterMs: number) {
  const [until, setUntil] = useState(() => (initialRetryAfterMs > 0 ? Date.now() + initialRetryAfterMs : 0));
  const now = useNow(until > 0 ? 1000 : 60_000);
  const remainingMs = Math.max(0, until - now);
  const start = useCallback((retryAfterMs: number) => setUntil(Date.now() + retryAfterMs), []);
  return { remainingMs, lockedOut: remainingMs > 0, start };
}
