import { Alert, Button } from '@mantine/core';
import { CenteredLoader } from '../../app/CenteredLoader';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { useT } from '../../i18n/useT';
import { MessageForm } from './MessageForm';

/** Loads a message (or none, for a new one) with the address book and plans, then shows its form. */
export function MessageEditor({
  id,
  onSaved,
  onDeleted,
}: {
  id: string | null;
  onSaved(id: string): void;
  onDeleted(): void;
}) {
  const { t } = useT();
  const detail = useRpcQuery((c) => (id ? c.call('messages.get', { id }) : Promise.resolve(null)), id);
  const recipients = useRpcQuery((c) => c.call('recipients.list'));
  const plans = useRpcQuery((c) => c.call('plans.list'));
  const error = detail.error ?? recipients.error ?? plans.error;

  if (error) {
    return (
      <Alert color="red" title={t('messages:editor.loadFailed')}>
        {t(`errors:code.${error.code}`)}{' '}
        <Button
          variant="subtle"
          size="xs"
          onClick={() => {
            detail.reload();
            recipients.reload();
            plans.reload();
          }}
        >
          {t('common:actions.retry')}
        </Button>
      </Alert>
    );
  }
  if (detail.loading && !detail.data && id) return <CenteredLoader />;
  if (!recipients.data || !plans.data || (id && !detail.data)) return <CenteredLoader />;
  return (
    <MessageForm
      key={`${id ?? 'new'}:${detail.receivedAt ?? 0}`}
      detail={detail.data}
      recipients={recipients.data}
      plans={plans.data}
      onSaved={(saved) => {
        onSaved(saved);
        if (saved === id) detail.reload();
      }}
      onDeleted={onDeleted}
    />
  );
}
