import { lazy, Suspense } from 'react';
import { CenteredLoader } from './CenteredLoader';
import { Unreachable } from './Unreachable';
import { useVaultGate } from './useVaultGate';

const FirstRunScreen = lazy(() => import('../screens/first-run/FirstRunScreen'));
const UnlockScreen = lazy(() => import('../screens/unlock/UnlockScreen'));
const Shell = lazy(() => import('./Shell'));

/** First run, unlock, or the app itself, each loaded only when it is the one shown. */
export function VaultGate() {
  const gate = useVaultGate();
  const { state } = gate;
  return (
    <Suspense fallback={<CenteredLoader />}>
      {state.kind === 'loading' && <CenteredLoader />}
      {state.kind === 'unreachable' && <Unreachable error={state.error} onRetry={() => void gate.retry()} />}
      {state.kind === 'first-run' && <FirstRunScreen resume={state.resume} onFinished={gate.unlocked} />}
      {state.kind === 'locked' && (
        <UnlockScreen initialRetryAfterMs={state.retryAfterMs} olderCopy={state.olderCopy} onUnlocked={gate.unlocked} />
      )}
      {state.kind === 'unlocked' && <Shell onLocked={gate.locked} />}
    </Suspense>
  );
}
