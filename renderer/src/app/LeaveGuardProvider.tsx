import { createContext, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { preloadApi } from '../client/ipc-transport';
import { LeaveConfirmModal } from './LeaveConfirmModal';

/** A form with changes that are not saved: asked before it is left, told when it is left. */
export interface LeaveGuard {
  dirty(): boolean;
  /** The person chose to leave without saving: drop what is kept for later (a draft). */
  discard?(): void;
  /** The page is closing or the vault locking: save what can be saved now (a draft), without asking anything. */
  flush?(): void | Promise<void>;
}

export interface LeaveGate {
  register(guard: LeaveGuard): () => void;
  /** True while a form on the screen has unsaved changes. */
  blocked(): boolean;
  /** Asks "Leave without saving?"; on yes, the guards discard and `proceed` runs. */
  ask(proceed: () => void): void;
  /** Before locking: every form keeps what it can (its draft); resolves when that is done. */
  flush(): Promise<void>;
}

export const LeaveGateContext = createContext<LeaveGate | null>(null);

/**
 * Keeps the unsaved work of the screen's forms from being dropped silently: in-app navigation
 * (the router asks the gate) and Back get the "Leave without saving?" dialog; closing or
 * reloading a browser tab gets the browser's own question. In the desktop app the window's
 * close is not held up (it would also hold up quitting); drafts are saved instead.
 */
export function LeaveGuardProvider({ children }: { children: ReactNode }) {
  const guards = useRef(new Set<LeaveGuard>());
  const [pending, setPending] = useState<(() => void) | null>(null);
  const dirtyGuards = () => [...guards.current].filter((g) => g.dirty());

  const gate = useMemo<LeaveGate>(
    () => ({
      register(guard) {
        guards.current.add(guard);
        return () => guards.current.delete(guard);
      },
      blocked: () => dirtyGuards().length > 0,
      ask: (proceed) => setPending(() => proceed),
      flush: async () => {
        await Promise.all(dirtyGuards().map((g) => g.flush?.()));
      },
    }),
    [],
  );

  useEffect(() => {
    const inBrowser = preloadApi() === null;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      const dirty = dirtyGuards();
      if (dirty.length === 0) return;
      for (const guard of dirty) void guard.flush?.();
      if (!inBrowser) return;
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

  const leave = useCallback(() => {
    for (const guard of dirtyGuards()) guard.discard?.();
    const proceed = pending;
    setPending(null);
    proceed?.();
  }, [pending]);

  return (
    <LeaveGateContext.Provider value={gate}>
      {children}
      <LeaveConfirmModal opened={pending !== null} onStay={() => setPending(null)} onLeave={leave} />
    </LeaveGateContext.Provider>
  );
}
