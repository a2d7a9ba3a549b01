import { Container, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useT } from '../../i18n/useT';
import { FirstRunToolbar } from '../first-run/FirstRunToolbar';
import { OlderCopyNotice } from './OlderCopyNotice';
import { PasswordUnlockForm } from './PasswordUnlockForm';
import { RecoveryUnlockForm } from './RecoveryUnlockForm';
import { WatchingNotice } from './WatchingNotice';

type Mode = 'password' | 'recovery';

/**
 * Unlock with the password, or with the recovery key (which also sets a new password). A vault
 * older than the one this computer last saw is explained first and opens only with the password,
 * once the owner says the restore was deliberate.
 */
export default function UnlockScreen({
  initialRetryAfterMs,
  olderCopy,
  onUnlocked,
}: {
  initialRetryAfterMs: number;
  olderCopy?: 'older' | 'rewritten';
  onUnlocked: () => void;
}) {
  const { t } = useT();
  const [mode, setMode] = useState<Mode>('password');

  useEffect(() => {
    document.title = t('common:windowTitle', { screen: t('unlock:title') });
  }, [t]);

  return (
    <Container size={480} py="xl" component="main">
      <FirstRunToolbar />
      <Stack gap="xs" mb="lg">
        <Title order={1} size="h2">
          {t('unlock:title')}
        </Title>
        <Text c="dimmed">{t('unlock:intro')}</Text>
      </Stack>
      {olderCopy ? <OlderCopyNotice found={olderCopy} /> : <WatchingNotice />}
      <Paper withBorder shadow="xs" p="xl">
        <Stack gap="lg">
          {olderCopy ? (
            <PasswordUnlockForm
              initialRetryAfterMs={initialRetryAfterMs}
              acceptOlderVault
              onUnlocked={onUnlocked}
              onUseRecovery={() => setMode('recovery')}
            />
          ) : (
            <>
              <SegmentedControl
                fullWidth
                value={mode}
                onChange={(value) => setMode(value as Mode)}
                aria-label={t('unlock:modeLabel')}
                data={[
                  { value: 'password', label: t('unlock:mode.password') },
                  { value: 'recovery', label: t('unlock:mode.recovery') },
                ]}
              />
              {mode === 'password' ? (
                <PasswordUnlockForm
                  initialRetryAfterMs={initialRetryAfterMs}
                  onUnlocked={onUnlocked}
                  onUseRecovery={() => setMode('recovery')}
                />
              ) : (
                <RecoveryUnlockForm onUnlocked={onUnlocked} />
              )}
            </>
          )}
        </Stack>
      </Paper>
    </Container>
  );
}
