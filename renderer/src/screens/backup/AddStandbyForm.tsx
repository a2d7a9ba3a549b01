import { Button, Code, Group, Modal, SimpleGrid, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconLink } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { parseStandbyCode, STANDBY_NAME_PATTERN } from '../../../../shared/standby-code.js';
import { useClient } from '../../client/ClientProvider';
import { focusFirstInvalid } from '../../hooks/focus-first-invalid';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useT } from '../../i18n/useT';

interface Paired {
  name: string;
  fingerprint: string;
}

/**
 * Name and pairing code of a new standby; before anything is sent, the code's fingerprint is shown
 * to compare with the one the standby printed, and only a confirmation pairs it.
 */
export function AddStandbyForm({ paired, onAdded }: { paired: readonly Paired[]; onAdded: () => void }) {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const [confirming, setConfirming] = useState(false);

  const parsed = parseStandbyCode(code);
  const trimmedName = name.trim();
  const sameStandby = parsed ? paired.find((p) => p.fingerprint === parsed.fingerprint) : undefined;
  const nameProblem = !STANDBY_NAME_PATTERN.test(trimmedName)
    ? t('backup:standby.nameInvalid')
    : paired.some((p) => p.name === trimmedName)
      ? t('backup:standby.nameTaken')
      : null;
  const codeProblem = !parsed
    ? t('backup:standby.codeInvalid')
    : sameStandby
      ? t('backup:standby.codeTaken', { name: sameStandby.name })
      : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (nameProblem || codeProblem) {
      focusFirstInvalid(event.currentTarget instanceof HTMLElement ? event.currentTarget : null);
      return;
    }
    setConfirming(true);
  };

  const pair = async () => {
    const done = await run(() => client.call('standby.add', { name: trimmedName, code: parsed!.recipient }));
    setConfirming(false);
    if (!done) return;
    notifications.show({ color: 'teal', message: t('backup:standby.added', { name: trimmedName }) });
    setName('');
    setCode('');
    setShowErrors(false);
    onAdded();
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="standby-add-title">
      <Text fw={600} size="sm" id="standby-add-title" mb="xs">
        {t('backup:standby.addTitle')}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput
          label={t('backup:standby.name')}
          description={t('backup:standby.nameHint')}
          required
          spellCheck={false}
          autoComplete="off"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={showErrors ? nameProblem : undefined}
        />
        <TextInput
          style={{ gridColumn: 'span 2' }}
          label={t('backup:standby.code')}
          description={
            parsed
              ? t('backup:standby.codeFingerprint', { fingerprint: parsed.fingerprint })
              : t('backup:standby.codeHint')
          }
          required
          spellCheck={false}
          autoComplete="off"
          placeholder="age1…"
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          error={showErrors ? codeProblem : undefined}
        />
      </SimpleGrid>
      <Group justify="flex-end" mt="sm">
        <Button type="submit" leftSection={<IconLink size={16} aria-hidden />}>
          {t('backup:standby.add')}
        </Button>
      </Group>
      <Modal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={t('backup:standby.confirmTitle')}
        closeButtonProps={{ 'aria-label': t('backup:standby.cancel') }}
      >
        <Text size="sm" mb="sm">
          {t('backup:standby.confirmBody')}
        </Text>
        <Code block fz="lg" mb="md" data-testid="standby-confirm-fingerprint">
          {parsed?.fingerprint}
        </Code>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setConfirming(false)}>
            {t('backup:standby.cancel')}
          </Button>
          <Button loading={busy} onClick={() => void pair()}>
            {t('backup:standby.confirm')}
          </Button>
        </Group>
      </Modal>
    </form>
  );
}
