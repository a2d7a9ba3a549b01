import { MantineProvider } from '@mantine/core';
import type { i18n } from 'i18next';
import { I18nextProvider } from 'react-i18next';
import { ClientProvider } from '../client/ClientProvider';
import type { Transport } from '../client/transport';
import { AppNotifications } from './AppNotifications';
import { ErrorBoundary } from './ErrorBoundary';
import { cssVariablesResolver, theme } from './theme';
import { VaultGate } from './VaultGate';

/** Providers, outermost first: theme (light/dark follows the OS unless overridden), language, client. */
export function App({ i18n, transport }: { i18n: i18n; transport: Transport }) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" cssVariablesResolver={cssVariablesResolver}>
      <I18nextProvider i18n={i18n}>
        <ClientProvider transport={transport}>
          <AppNotifications />
          <ErrorBoundary>
            <VaultGate />
          </ErrorBoundary>
        </ClientProvider>
      </I18nextProvider>
    </MantineProvider>
  );
}
