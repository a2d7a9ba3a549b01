import { Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useT } from '../../i18n/useT';
import { useClient } from '../../client/ClientProvider';
import { RpcError } from '../../client/rpc-error';
import { useNotifyError } from '../../hooks/useNotifyError';

/** Loose on purpose: the core checks the address properly; this only catches the obvious slip. */
const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Step 3: the owner's own e-mail, where warnings go. It can be skipped and set later. */
export function OwnerStep({ onDone }: { onDone: () => void }) {
  const { t } = useT();
  const client = useClient();
  const notifyError = useNotifyError();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!LOOKS_LIKE_EMAIL.test(email.trim())) {
      setError(t('firstRun:owner.invalid'));
      return;
    }
    setBusy(true);
    try {
      await client.call('settings.set', { owner: { email: email.trim(), name: name.trim() || null } });
      onDone();
    } catch (e) {
      if (e instanceof RpcError && e.code === 'BAD_REQUEST') setError(t('firstRun:owner.invalid'));
      else notifyError(e);
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="first-run-owner-title">
      <Stack gap="md">
        <Title order={2} size="h3" id="first-run-owner-title">
          {t('firstRun:owner.title')}
        </Title>
        <Text size="sm">{t('firstRun:owner.body')}</Text>
        <TextInput
          label={t('firstRun:owner.email')}
          type="email"
          autoComplete="email"
          required
          autoFocus
          value={email}
          onChange={(e) => {
            setEmail(e.currentTarget.value);
            setError(null);
          }}
          error={error}
        />
        <TextInput label={t('firstRun:owner.name')} description={t('firstRun:owner.nameHint')} autoComplete="name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Group justify="space-between">
          <Button variant="subtle" onClick={onDone} disabled={busy}>
            {t('firstRun:owner.skip')}
          </Button>
          <Button type="submit" size="md" loading={busy}>
            {t('firstRun:owner.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
