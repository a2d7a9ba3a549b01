import { SimpleGrid, Stack } from '@mantine/core';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useT } from '../../i18n/useT';
import { ScreenHeader } from '../common/ScreenHeader';
import { ScreenLoading } from '../common/ScreenLoading';
import { DesktopCard } from './DesktopCard';
import { OwnerEmailCard } from './OwnerEmailCard';
import { SmtpCard } from './SmtpCard';
import { WebhooksCard } from './WebhooksCard';

/** The ways Afterword reaches you (warnings) and your recipients (messages). */
export default function ChannelsScreen() {
  const { t } = useT();
  const channels = useRpcQuery((c) => c.call('channels.get'));
  const settings = useRpcQuery((c) => c.call('settings.get'));
  const header = <ScreenHeader title={t('channels:title')} description={t('channels:description')} />;
  if (!channels.data || !settings.data) {
    return <ScreenLoading header={header} failedTitle={t('channels:loadFailed')} queries={[channels, settings]} />;
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
