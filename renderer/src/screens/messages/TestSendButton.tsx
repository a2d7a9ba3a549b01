import { Alert, Button, Stack, Text } from '@mantine/core';
import { IconSend } from '@tabler/icons-react';
import { useClient } from '../../client/ClientProvider';
import { useCallResult } from '../../hooks/useCallResult';
import { useT } from '../../i18n/useT';
import { deliveryErrorText } from '../../labels/delivery-labels';
import type { MethodOutput } from '../../../../shared/contract/methods.js';

type SendResult = MethodOutput<'messages.testSend'>;

/** Sends the saved message to the owner only, and shows what the mail server answered. */
export function TestSendButton({
  messageId,
  disabledReason,
}: {
  messageId: string | null;
  disabledReason: string | null;
}) {
  const { t } = useT();
  const client = useClient();
  const { result, busy, call, dismiss } = useCallResult<SendResult>();

  const send = (id: string) => void call(() => client.call('messages.testSend', { id }));

  return (
    <Stack gap="xs">
      <Button
        variant="light"
        leftSection={<IconSend size={16} aria-hidden />}
        loading={busy}
        disabled={!messageId || disabledReason !== null}
        onClick={() => messageId && send(messageId)}
      >
        {t('messages:test.button')}
      </Button>
      {disabledReason && (
        <Text size="xs" c="dimmed">
          {disabledReason}
        </Text>
      )}
      {result && (
        <Alert
          color={result.ok ? 'teal' : 'red'}
          title={result.ok ? t('messages:test.ok') : t('messages:test.failed')}
          withCloseButton
          closeButtonLabel={t('messages:test.dismiss')}
          onClose={dismiss}
          role="status"
        >
          {!result.ok && (
            <Text size="sm">
              {deliveryErrorText(t, result.errorCode) ?? result.errorCode ?? t('messages:test.noReason')}
            </Text>
          )}
          {result.response && (
            <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>
              {t('messages:test.response', { response: result.response })}
            </Text>
          )}
        </Alert>
      )}
    </Stack>
  );
}
