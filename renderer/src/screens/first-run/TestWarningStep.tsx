import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import { IconBell, IconMail } from '@tabler/icons-react';
import { useState } from 'react';
import { useT } from '../../i18n/useT';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useRpcQuery } from '../../hooks/useRpcQuery';
import { SmtpCard } from '../channels/SmtpCard';
import { TestResult } from './TestResult';

type Channel = 'desktop' | 'email';
type Results = Partial<Record<Channel, MethodOutput<'channels.test'>>>;

/** Step 4: send a warning to yourself now, to see what one looks like before trusting it. */
export function TestWarningStep({ onFinished }: { onFinished: () => void }) {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const status = useRpcQuery((c) => c.call('status.get'));
  const [sending, setSending] = useState<Channel | null>(null);
  const [results, setResults] = useState<Results>({});
  const [smtpFormOpen, setSmtpFormOpen] = useState(false);
  const emailReady = status.data ? status.data.smtpConfigured && status.data.owner.emailSet : false;

  const send = (channel: Channel) => {
    setSending(channel);
    void run(async () => {
      const result = await client.call('channels.test', { channel });
      setResults((r) => ({ ...r, [channel]: result }));
    });
  };

  return (
    <Stack gap="md">
      <Title order={2} size="h3">
        {t('firstRun:test.title')}
      </Title>
      <Text size="sm">{t('firstRun:test.body')}</Text>
      <Group>
        <Button
          leftSection={<IconBell size={18} />}
          variant="light"
          loading={busy && sending === 'desktop'}
          disabled={busy}
          onClick={() => send('desktop')}
        >
          {t('firstRun:test.desktop')}
        </Button>
        <Button
          leftSection={<IconMail size={18} />}
          variant="light"
          loading={busy && sending === 'email'}
          disabled={busy || !emailReady}
          onClick={() => send('email')}
        >
          {t('firstRun:test.email')}
        </Button>
      </Group>
      {status.data && !emailReady && (
        <Text size="sm" c="dimmed">
          {status.data.owner.emailSet ? t('firstRun:test.emailNeedsSmtp') : t('firstRun:test.emailNeedsOwner')}
        </Text>
      )}
      {/* The mail server inline: nobody is sent away from the first run to set it up. */}
      {status.data && !status.data.smtpConfigured && !smtpFormOpen && (
        <Group>
          <Button variant="subtle" leftSection={<IconMail size={18} />} onClick={() => setSmtpFormOpen(true)}>
            {t('firstRun:test.setUpMail')}
          </Button>
        </Group>
      )}
      {status.data && !status.data.smtpConfigured && smtpFormOpen && (
        <SmtpCard
          smtp={null}
          onSaved={() => {
            setSmtpFormOpen(false);
            status.reload();
          }}
        />
      )}
      {results.desktop && (
        <TestResult
          channel={t('firstRun:test.desktopName')}
          result={results.desktop}
          hint={t('firstRun:test.desktopShown')}
        />
      )}
      {results.email && (
        <TestResult
          channel={t('firstRun:test.emailName')}
          result={results.email}
          hint={t('firstRun:test.emailSent')}
          showResponse
        />
      )}
      <Alert variant="light" color="gray">
        {t('firstRun:test.next')}
      </Alert>
      <Group justify="flex-end">
        <Button size="md" onClick={onFinished}>
          {t('firstRun:test.finish')}
        </Button>
      </Group>
    </Stack>
  );
}
