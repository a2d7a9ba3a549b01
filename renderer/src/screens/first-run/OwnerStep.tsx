import { Button, Group, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useT } from '../../i18n/useT';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { StepForm } from './StepForm';

/** Loose on purpose: the core checks the address properly; this only catches the obvious slip. */
const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Step 3: the owner's own e-mail, where warnings go. It can be skipped and set later. */
export function OwnerStep({ onDone }: { onDone: () => void }) {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!LOOKS_LIKE_EMAIL.test(email.trim())) {
      setError(t('firstRun:owner.invalid'));
      return;
    }
    const saved = await run(
      () => client.call('settings.set', { owner: { email: email.trim(), name: name.trim() || null } }),
      { BAD_REQUEST: () => setError(t('firstRun:owner.invalid')) },
    );
    if (saved) onDone();
  };

  return (
    <StepForm id="owner" title={t('firstRun:owner.title')} body={t('firstRun:owner.body')} onSubmit={submit}>
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
      <TextInput
        label={t('firstRun:owner.name')}
        description={t('firstRun:owner.nameHint')}
        autoComplete="name"
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
      />
      <Group justify="space-between">
        <Button variant="subtle" onClick={onDone} disabled={busy}>
          {t('firstRun:owner.skip')}
        </Button>
        <Button type="submit" size="md" loading={busy}>
          {t('firstRun:owner.save')}
        </Button>
      </Group>
    </StepForm>
  );
}
