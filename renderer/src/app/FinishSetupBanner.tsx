import { Alert, Button, Group, List } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useRpcQuery } from '../hooks/useRpcQuery';
import { useT } from '../i18n/useT';
import { useRouter } from './RouterContext';

/**
 * "Finish setting up", on every screen until the recovery key is confirmed and an owner address
 * is set (the first run can be left half done: the e-mail step can be skipped).
 */
export function FinishSetupBanner() {
  const { t } = useT();
  const { route, navigate } = useRouter();
  // Asked again on every screen change: setting the address under Channels clears it on the next one.
  const setup = useRpcQuery((c) => c.call('setup.get'), route.screen).data;
  if (!setup || (setup.recoveryKeyConfirmed && setup.ownerEmailSet)) return null;
  return (
    <Alert
      color="orange"
      variant="light"
      icon={<IconAlertTriangle />}
      title={t('common:setupBanner.title')}
      mb="lg"
      role="region"
      aria-label={t('common:setupBanner.title')}
      data-testid="finish-setup"
    >
      {t('common:setupBanner.body')}
      <List size="sm" mt={4} mb="sm">
        {!setup.recoveryKeyConfirmed && <List.Item>{t('common:setupBanner.recoveryKey')}</List.Item>}
        {!setup.ownerEmailSet && <List.Item>{t('common:setupBanner.ownerEmail')}</List.Item>}
      </List>
      <Group gap="xs">
        {!setup.recoveryKeyConfirmed && (
          <Button size="xs" variant="light" color="orange" onClick={() => navigate('security')}>
            {t('common:setupBanner.resume')}
          </Button>
        )}
        {!setup.ownerEmailSet && (
          <Button size="xs" variant="light" color="orange" onClick={() => navigate('channels')}>
            {t('common:setupBanner.addEmail')}
          </Button>
        )}
      </Group>
    </Alert>
  );
}
