import { Alert, Badge, Switch, Text } from '@mantine/core';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useT } from '../../i18n/useT';
import { SectionCard } from '../common/SectionCard';

type VaultStatus = MethodOutput<'vault.status'>;

/**
 * Unattended delivery: the vault key kept in the OS keychain, so messages can go out after a
 * restart even when nobody is there to type the password.
 */
export function UnattendedCard({
  status,
  onChanged,
}: {
  status: VaultStatus;
  onChanged: (status: VaultStatus) => void;
}) {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const { enabled, backend } = status.unattended;

  const toggle = (next: boolean) =>
    void run(async () => onChanged(await client.call('vault.setUnattended', { enabled: next })));

  return (
    <SectionCard
      id="unattended"
      title={t('security:unattended.title')}
      description={t('security:unattended.description')}
      aside={
        <Badge color={enabled ? 'teal' : 'gray'} variant="light">
          {enabled ? t('security:unattended.on') : t('security:unattended.off')}
        </Badge>
      }
    >
      <Switch
        label={t('security:unattended.switch')}
        checked={enabled}
        disabled={busy}
        onChange={(e) => toggle(e.currentTarget.checked)}
      />
      <Text size="sm">
        {enabled
          ? t('security:unattended.backend', { backend: backend ?? t('security:unattended.unknownBackend') })
          : t('security:unattended.offHint')}
      </Text>
      {enabled && (
        <Alert color="orange" variant="light">
          {backend === 'file' ? t('security:unattended.fileTradeoff') : t('security:unattended.tradeoff')}
        </Alert>
      )}
    </SectionCard>
  );
}
