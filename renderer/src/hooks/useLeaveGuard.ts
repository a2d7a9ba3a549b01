import { useContext, useEffect, useRef } from 'react';
import { LeaveGateContext, type LeaveGuard } from '../app/LeaveGuardProvider';

/**
 * Marks the calling form as holding unsaved changes while `dirty`: leaving the screen asks first.
 * `release()` lets the next navigation through at once (after a save, before the form re-renders).
 * Outside the app shell (first run, unlock) there is nothing to guard against and it does nothing.
 */
export function useLeaveGuard(dirty: boolean, handlers: Omit<LeaveGuard, 'dirty'> = {}): { release(): void } {
  const gate = useContext(LeaveGateContext);
  const state = useRef({ dirty, released: false, handlers });
  state.current.dirty = dirty;
  state.current.handlers = handlers;
  if (!dirty) state.current.released = false;

  useEffect(() => {
    if (!gate) return undefined;
    return gate.register({
      dirty: () => state.current.dirty && !state.current.released,
      discard: () => state.current.handlers.discard?.(),
      flush: () => state.current.handlers.flush?.(),
    });
  }, [gate]);

  return useRef({ release: () => void (state.current.released = true) }).current;
}
