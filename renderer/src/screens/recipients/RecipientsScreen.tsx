import { Alert, Stack } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useT } from '../../i18n/useT';
import { LoadFailedAlert } from '../common/LoadFailedAlert';
import { ScreenHeader } from '../common/ScreenHeader';
import { MessageLinks } from './MessageLinks';
import { RecipientForm } from './RecipientForm';
import { RecipientTable } from './RecipientTable';

/** Who receives the messages: people by e-mail, services by webhook. */
export default function RecipientsScreen() {
  const { t } = useT();
  const list = useRpcQuery((client) => client.call('recipients.list'));
  const [conflictId, setConflict] = useState<string | null>(null);
  // The list after the refusal (reloaded) says which messages still go to them.
  const conflict = conflictId ? (list.data?.find((r) => r.id === conflictId) ?? null) : null;
  const changed = () => {
    setConflict(null);
    list.reload();
  };
  return (
    <>
      <ScreenHeader title={t('recipients:title')} description={t('recipients:description')} />
      <Stack gap="lg">
        {!list.data && <LoadFailedAlert title={t('recipients:loadFailed')} queries={[list]} />}
        {conflict && (
          <Alert
            color="orange"
            icon={<IconAlertTriangle />}
            title={t('recipients:delete.inUseTitle')}
            withCloseButton
            closeButtonLabel={t('recipients:delete.dismiss')}
            onClose={() => setConflict(null)}
          >
            {t('recipients:delete.inUse', { name: conflict.name, count: conflict.usedBy.length })}{' '}
            <MessageLinks messages={conflict.usedBy} />
          </Alert>
        )}
        <RecipientForm onCreated={changed} />
        <RecipientTable
          recipients={list.data ?? []}
          loading={list.loading}
          onChanged={changed}
          onConflict={(r) => {
            setConflict(r.id);
            list.reload();
          }}
        />
      </Stack>
    </>
  );
}
