import { MantineThemeProvider, type MantineThemeOverride } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { useMemo } from 'react';
import { useT } from '../i18n/useT';
import classes from './AppNotifications.module.css';

/** The toasts: close buttons named in the current language (axe "button-name"), readable text under a title. */
export function AppNotifications() {
  const { t } = useT();
  const theme = useMemo<MantineThemeOverride>(
    () => ({
      components: {
        Notification: {
          classNames: { description: classes.description },
          defaultProps: { closeButtonProps: { 'aria-label': t('common:actions.close') } },
        },
      },
    }),
    [t],
  );
  return (
    <MantineThemeProvider theme={theme}>
      {/* Three at most: more would cover the screen; the rest wait their turn. */}
      <Notifications position="bottom-right" limit={3} />
    </MantineThemeProvider>
  );
}
