import { useCallback, useContext } from 'react';
import { LeaveGateContext } from '../app/LeaveGuardProvider';

/**
 * For a screen that replaces a form without navigating (another plan opened in the editor):
 * runs `proceed` at once, or after "Leave without saving?" while a form holds unsaved changes.
 */
export function useConfirmLeave(): (proceed: () => void) => void {
  const gate = useContext(LeaveGateContext);
  return useCallback((proceed) => (gate?.blocked() ? gate.ask(proceed) : proceed()), [gate]);
}
