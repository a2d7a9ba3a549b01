import { AppShell } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense, useContext, useMemo } from 'react';
import { useT } from '../i18n/useT';
import { CenteredLoader } from './CenteredLoader';
import { useEvents } from '../client/ClientProvider';
import { CheckinProvider } from './CheckinProvider';
import { ConnectionLost } from './ConnectionLost';
import { ErrorBoundary } from './ErrorBoundary';
import { FinishSetupBanner } from './FinishSetupBanner';
import { HeaderBar } from './HeaderBar';
import { NavBar } from './NavBar';
import { ShellHotkeys } from './ShellHotkeys';
import { DEFAULT_SCREEN, findRoute } from './routes';
import { RouterContext, type Router } from './RouterContext';
import { useHashRoute } from './useHashRoute';
import { LeaveGateContext, LeaveGuardProvider } from './LeaveGuardProvider';

/** The unlocked app: header, navigation, and the current screen (each screen is its own chunk). */
export default function Shell({ onLocked }: { onLocked: () => void }) {
  return (
    <LeaveGuardProvider>
      <ShellFrame onLocked={onLocked} />
    </LeaveGuardProvider>
  );
}

function ShellFrame({ onLocked }: { onLocked: () => void }) {
  const { t } = useT();
  const [route, navigate] = useHashRoute(DEFAULT_SCREEN, useContext(LeaveGateContext) ?? undefined);
  const [navOpen, nav] = useDisclosure(false);
  const router = useMemo<Router>(() => ({ route, navigate }), [route, navigate]);
  const current = findRoute(route.screen);
  const { Screen } = current;
  // Locked elsewhere (tray, auto-lock, another tab) or the session ended: back to the lock screen.
  useEvents((message) => {
    if (message.event === 'vault.lockChanged' && !message.payload.unlocked) onLocked();
  });

  return (
    <RouterContext.Provider value={router}>
      <CheckinProvider>
        <ShellHotkeys />
        <AppShell
          header={{ height: 60 }}
          navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !navOpen } }}
          padding="lg"
        >
          <AppShell.Header>
            <HeaderBar navOpen={navOpen} onToggleNav={nav.toggle} onLocked={onLocked} />
          </AppShell.Header>
          <AppShell.Navbar p="sm" aria-label={t('common:nav.label')}>
            <NavBar current={current.id} onNavigate={nav.close} />
          </AppShell.Navbar>
          <AppShell.Main>
            <FinishSetupBanner />
            <ConnectionLost />
            <ErrorBoundary key={current.id}>
              <Suspense fallback={<CenteredLoader />}>
                <Screen />
              </Suspense>
            </ErrorBoundary>
          </AppShell.Main>
        </AppShell>
      </CheckinProvider>
    </RouterContext.Provider>
  );
}
