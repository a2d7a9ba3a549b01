import { Button, Group } from '@mantine/core';
import { IconBell } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';
import { SectionCard } from '../common/SectionCard';
import { ChannelTestResult } from './ChannelTestResult';
import { useChannelTest } from './useChannelTest';

/** Desktop notifications need no setup; a test shows what a warning looks like. */
export function DesktopCard() {
  const { t } = useT();
  const test = useChannelTest('desktop');
  return (
    <SectionCard id="desktop" title={t('channels:desktop.title')} description={t('channels:desktop.description')}>
      <Group>
        <Button variant="default" leftSection={<IconBell size={16} />} onClick={test.run} loading={test.busy}>
          {t('channels:desktop.test')}
        </Button>
      </Group>
      {test.result && <ChannelTestResult result={test.result} okHint={t('channels:desktop.testOk')} />}
    </SectionCard>
  );
}
