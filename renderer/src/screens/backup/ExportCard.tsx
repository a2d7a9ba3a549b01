import {
  Alert,
  Anchor,
  Button,
  Group,
  PasswordInput,
  Progress,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconDownload, IconFileExport } from '@tabler/icons-react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { exportInputSchema } from '../../../../shared/contract/backup-dto.js';
import { useClient } from '../../client/ClientProvider';
import { toRpcError, type RpcError } from '../../client/rpc-error';
import { focusFirstInvalid } from '../../hooks/focus-first-invalid';
import { useLeaveGuard } from '../../hooks/useLeaveGuard';
import { useT } from '../../i18n/useT';
import { formatBytes } from '../messages/bytes';
import { SectionCard } from '../common/SectionCard';
import { startDownload } from '../common/start-download';
import { ExportCancelled, fetchExport, type CancelSignal, type ExportSecret } from './export-download';

type Mode = 'passphrase' | 'recipient';
type Phase =
  | { kind: 'idle' }
  | { kind: 'running'; received: number; size: number | null }
  | { kind: 'ready'; url: string; fileName: string; size: number }
  | { kind: 'cancelled' }
  | { kind: 'failed'; error: RpcError };

/** The age-encrypted export: a passphrase (twice) or an age recipient, then a download. */
export function ExportCard() {
  const { t, i18n } = useT();
  const language = i18n.resolvedLanguage ?? i18n.language;
  const client = useClient();
  const [mode, setMode] = useState<Mode>('passphrase');
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [recipient, setRecipient] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const signal = useRef<CancelSignal>({ cancelled: false });

  const readyUrl = phase.kind === 'ready' ? phase.url : null;
  // A typed secret not used yet is asked about before leaving; once the file is made, it is not.
  useLeaveGuard((passphrase !== '' || again !== '' || recipient !== '') && readyUrl === null);
  useEffect(
    () => () => {
      if (readyUrl) URL.revokeObjectURL(readyUrl);
    },
    [readyUrl],
  );

  const secret: ExportSecret = mode === 'passphrase' ? { passphrase } : { recipient: recipient.trim() };
  const secretValid = exportInputSchema().safeParse(secret).success;
  const passphraseError = mode === 'passphrase' && !secretValid ? t('backup:export.passphraseShort') : undefined;
  const mismatch = mode === 'passphrase' && again !== passphrase ? t('backup:export.passphraseMismatch') : undefined;
  const recipientError = mode === 'recipient' && !secretValid ? t('backup:export.recipientInvalid') : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (passphraseError || mismatch || recipientError) {
      focusFirstInvalid(event.currentTarget as HTMLElement);
      return;
    }
    signal.current = { cancelled: false };
    setPhase({ kind: 'running', received: 0, size: null });
    try {
      const file = await fetchExport(client, secret, signal.current, (received, size) =>
        setPhase({ kind: 'running', received, size }),
      );
      const url = URL.createObjectURL(file.blob);
      setPhase({ kind: 'ready', url, fileName: file.fileName, size: file.blob.size });
      setPassphrase('');
      setAgain('');
      setShowErrors(false);
      startDownload(url, file.fileName);
    } catch (error) {
      setPhase(error instanceof ExportCancelled ? { kind: 'cancelled' } : { kind: 'failed', error: toRpcError(error) });
    }
  };

  const running = phase.kind === 'running';
  const rpc = phase.kind === 'failed' ? phase.error : null;
  return (
    <SectionCard
      id="backup-export"
      title={t('backup:export.title')}
      description={t('backup:export.description')}
      onSubmit={(e) => void submit(e)}
    >
      <SegmentedControl
        aria-label={t('backup:export.mode')}
        value={mode}
        onChange={(v) => setMode(v as Mode)}
        disabled={running}
        data={[
          { value: 'passphrase', label: t('backup:export.modePassphrase') },
          { value: 'recipient', label: t('backup:export.modeRecipient') },
        ]}
      />
      {mode === 'passphrase' ? (
        <Group grow align="flex-start">
          <PasswordInput
            label={t('backup:export.passphrase')}
            description={t('backup:export.passphraseHint')}
            autoComplete="new-password"
            required
            disabled={running}
            value={passphrase}
            onChange={(e) => setPassphrase(e.currentTarget.value)}
            error={showErrors ? passphraseError : undefined}
          />
          <PasswordInput
            label={t('backup:export.passphraseAgain')}
            autoComplete="new-password"
            required
            disabled={running}
            value={again}
            onChange={(e) => setAgain(e.currentTarget.value)}
            error={showErrors ? mismatch : undefined}
          />
        </Group>
      ) : (
        <TextInput
          label={t('backup:export.recipient')}
          description={t('backup:export.recipientHint')}
          placeholder="age1…"
          required
          spellCheck={false}
          autoComplete="off"
          disabled={running}
          value={recipient}
          onChange={(e) => setRecipient(e.currentTarget.value)}
          error={showErrors ? recipientError : undefined}
        />
      )}
      <Text size="xs" c="dimmed">
        {t('backup:export.plaintextWarning')}
      </Text>
      {running && (
        <Stack gap={4}>
          <Progress
            value={phase.size ? (100 * phase.received) / phase.size : 100}
            animated
            striped={phase.size === null}
            aria-label={t('backup:export.progressLabel')}
          />
          <Text size="sm" aria-live="polite">
            {phase.size === null
              ? t('backup:export.preparing')
              : t('backup:export.receiving', {
                  received: formatBytes(phase.received, language),
                  size: formatBytes(phase.size, language),
                })}
          </Text>
        </Stack>
      )}
      {phase.kind === 'ready' && (
        <Alert color="teal" variant="light" role="status">
          <Text size="sm">
            {t('backup:export.ready', { name: phase.fileName, size: formatBytes(phase.size, language) })}
          </Text>
          <Anchor href={phase.url} download={phase.fileName} size="sm">
            <IconDownload size={14} aria-hidden /> {t('backup:export.saveAgain', { name: phase.fileName })}
          </Anchor>
        </Alert>
      )}
      {phase.kind === 'cancelled' && (
        <Text size="sm" c="dimmed" role="status">
          {t('backup:export.cancelled')}
        </Text>
      )}
      {rpc && (
        <Alert color="red" variant="light" role="alert" title={t('backup:export.failed')}>
          <Text size="sm">{t(`errors:code.${rpc.code}`)}</Text>
          <Text size="xs" c="dimmed">
            {t('errors:detail', { detail: rpc.message })}
          </Text>
        </Alert>
      )}
      <Group justify="flex-end">
        {running && (
          <Button variant="default" onClick={() => (signal.current.cancelled = true)}>
            {t('backup:export.cancel')}
          </Button>
        )}
        <Button type="submit" loading={running} leftSection={<IconFileExport size={16} aria-hidden />}>
          {t('backup:export.button')}
        </Button>
      </Group>
    </SectionCard>
  );
}
