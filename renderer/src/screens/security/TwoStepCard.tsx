import { Badge, Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { preloadApi } from '../../client/ipc-transport';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useT } from '../../i18n/useT';
import { SectionCard } from '../common/SectionCard';
import { TwoStepDisableForm } from './TwoStepDisableForm';
import { TwoStepEnrolment } from './TwoStepEnrolment';

type Enrolment = MethodOutput<'mfa.enable'>;

/**
 * Two-step sign-in: a code from an authenticator app besides the password when signing in to the
 * runner over the network. Set up with a QR code, switched on by a first code (so a wrong scan
 * cannot lock the owner out), off with the password or a code.
 */
export function TwoStepCard() {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const status = useRpcQuery((c) => c.call('mfa.status'));
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);

  const start = () =>
    void run(async () => {
      setEnrolment(await client.call('mfa.enable', { confirm: true }));
    });

  const current = status.data;
  return (
    <SectionCard
      id="two-step"
      title={t('security:twoStep.title')}
      description={t('security:twoStep.description')}
      aside={
        current && (
          <Badge color={current.enabled ? 'teal' : 'gray'} variant="light">
            {current.enabled ? t('security:twoStep.on') : t('security:twoStep.off')}
          </Badge>
        )
      }
    >
      {preloadApi() && (
        <Text size="sm" c="dimmed">
          {t('security:twoStep.desktopHint')}
        </Text>
      )}
      {current?.enabled && (
        <>
          <Text size="sm">{t('security:twoStep.codesLeft', { count: current.recoveryCodesLeft })}</Text>
          <TwoStepDisableForm
            onDisabled={() => {
              notifications.show({ color: 'teal', message: t('security:twoStep.disabled') });
              status.reload();
            }}
          />
        </>
      )}
      {current && !current.enabled && enrolment === null && (
        <Group justify="flex-end">
          <Button onClick={start} loading={busy}>
            {current.pending ? t('security:twoStep.restart') : t('security:twoStep.enable')}
          </Button>
        </Group>
      )}
      {enrolment && (
        <TwoStepEnrolment
          enrolment={enrolment}
          onConfirmed={() => {
            setEnrolment(null);
            notifications.show({ color: 'teal', message: t('security:twoStep.enabled') });
            status.reload();
          }}
        />
      )}
    </SectionCard>
  );
}
