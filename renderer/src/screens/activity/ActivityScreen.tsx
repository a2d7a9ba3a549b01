import { Alert, Button, Card, Group, Stack, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';
import { ScreenHeader } from '../common/ScreenHeader';
import { AuditTable } from './AuditTable';
import { useAuditNames } from './useAuditNames';
import { useAuditPages } from './useAuditPages';
import { VerifyChain } from './VerifyChain';

/** Everything that happened, as the tamper-evident audit log recorded it. */
export default function ActivityScreen() {
  const { t } = useT();
  const audit = useAuditPages();
  const names = useAuditNames(audit.rows[0]?.seq ?? null);
  const error = audit.error;
  return (
    <>
      <ScreenHeader title={t('activity:title')} description={t('activity:description')} />
      <Stack gap="lg">
        <VerifyChain
          actions={
            <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={audit.refresh}>
              {t('activity:refresh')}
            </Button>
          }
        />
        {error && (
          <Alert color="red" title={t('activity:loadFailed')}>
            {t(`errors:code.${error.code}`)}
          </Alert>
        )}
        <Card withBorder padding="lg" radius="md">
          <AuditTable rows={audit.rows} names={names} loading={audit.loading} />
          <Group justify="center" mt="md">
            {audit.done ? (
              audit.rows.length > 0 && (
                <Text size="sm" c="dimmed">
                  {t('activity:end')}
                </Text>
              )
            ) : (
              <Button variant="subtle" onClick={audit.more} loading={audit.loading}>
                {t('activity:more')}
              </Button>
            )}
          </Group>
        </Card>
      </Stack>
    </>
  );
}
