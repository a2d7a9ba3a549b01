import { SimpleGrid, Stack } from '@mantine/core';
import { useState } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useT } from '../../i18n/useT';
import { ScreenHeader } from '../common/ScreenHeader';
import { ScreenLoading } from '../common/ScreenLoading';
import { AutoLockCard } from './AutoLockCard';
import { ChangePasswordCard } from './ChangePasswordCard';
import { LoginHistoryCard } from './LoginHistoryCard';
import { RecoveryKeyCard } from './RecoveryKeyCard';
import { TwoStepCard } from './TwoStepCard';
import { UnattendedCard } from './UnattendedCard';

/** Who can open the vault, and how it stays closed. */
export default function SecurityScreen() {
  const { t } = useT();
  const settings = useRpcQuery((c) => c.call('settings.get'));
  const vault = useRpcQuery((c) => c.call('vault.status'));
  const [status, setStatus] = useState<MethodOutput<'vault.status'> | null>(null);
  const header = <ScreenHeader title={t('security:title')} description={t('security:description')} />;
  if (!settings.data || !vault.data) {
    return <ScreenLoading header={header} failedTitle={t('security:loadFailed')} queries={[settings, vault]} />;
  }
  return (
    <>
      {header}
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <ChangePasswordCard />
          <Stack gap="lg">
            <AutoLockCard
              key={settings.data.autoLockMinutes}
              minutes={settings.data.autoLockMinutes}
              onSaved={settings.reload}
            />
            <UnattendedCard status={status ?? vault.data} onChanged={setStatus} />
          </Stack>
        </SimpleGrid>
        <RecoveryKeyCard />
        <TwoStepCard />
        <LoginHistoryCard />
      </Stack>
    </>
  );
}
