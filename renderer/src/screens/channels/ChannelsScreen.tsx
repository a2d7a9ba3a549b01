import { Alert, Button, SimpleGrid, Stack } from '@mantine/core';
import { CenteredLoader } from '../../app/CenteredLoader';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useT } from '../../i18n/useT';
import { ScreenHeader } from '../common/ScreenHeader';
import { DesktopCard } from './DesktopCard';
import { OwnerEmailCard } from './OwnerEmailCard';
import { SmtpCard } from './SmtpCard';
import { WebhooksCard } from './WebhooksCard';

/** The ways Afterword reaches you (warnings) and your recipients (messages). */
export default function ChannelsScreen() {
  const { t } = useT();
  const channels = useRpcQuery((c) => c.call('channels.get'));
  const settings = useRpcQuery((c) => c.call('settings.get'));
  const error = channels.error ?? settings.error;
  const header = <ScreenHeader title={t('channels:title')} description={t('channels:description')} />;
  if (!channels.data || !settings.data) {
    return (
      <>
        {header}
        {error ? (
          <Alert color="red" title={t('channels:loadFailed')}>
            {t(`errors:code.${error.code}`)}{' '}
            <Button
              variant="subtle"
              size="xs"
              onClick={() => {
                channels.reload();
                settings.reload();
              }}
            >
              {t('common:actions.retry')}
            </Button>
          </Alert>
        ) : (
          <CenteredLoader />
        )}
      </>
    );
  }
  return (
    <>
      {header}
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <OwnerEmailCard owner={settings.data.owner} onSaved={settings.reload} />
          <DesktopCard />
        </SimpleGrid>
        <SmtpCard smtp={channels.data.smtp} onSaved={channels.reload} />
        <WebhooksCard channels={channels.data} onChanged={channels.reload} />
      </Stack>
    </>
  );
}
