import { Button, Group, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { emailSchema } from '../../../../shared/validation.js';
import { useClient } from '../../client/ClientProvider';
import { focusFirstInvalid } from '../../hooks/focus-first-invalid';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useLeaveGuard } from '../../hooks/useLeaveGuard';
import { useT } from '../../i18n/useT';
import { SectionCard } from '../common/SectionCard';

type Owner = MethodOutput<'settings.get'>['owner'];

/** Where e-mail warnings go: your own address (and name, for the greeting). */
export function OwnerEmailCard({ owner, onSaved }: { owner: Owner; onSaved: () => void }) {
  const { t } = useT();
  const client = useClient();
  const [saved, setSaved] = useState({ email: owner?.email ?? '', name: owner?.name ?? '' });
  const [email, setEmail] = useState(saved.email);
  const [name, setName] = useState(saved.name);
  const { busy, run } = useBusyAction();
  const [showErrors, setShowErrors] = useState(false);
  const invalid = email.trim() !== '' && !emailSchema().safeParse(email).success;
  useLeaveGuard(email !== saved.email || name !== saved.name);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (invalid) {
      focusFirstInvalid(event.currentTarget as HTMLElement);
      return;
    }
    await run(async () => {
      await client.call('settings.set', {
        owner: email.trim() === '' ? null : { email: email.trim(), name: name.trim() === '' ? null : name.trim() },
      });
      setSaved({ email, name });
      notifications.show({ color: 'teal', message: t('channels:owner.saved') });
      onSaved();
    });
  };

  return (
    <SectionCard
      id="owner"
      title={t('channels:owner.title')}
      description={t('channels:owner.description')}
      onSubmit={submit}
    >
      <TextInput
        label={t('channels:owner.email')}
        description={t('channels:owner.emailHint')}
        type="email"
        autoComplete="email"
        value={email}
        onChange={(e) => setEmail(e.currentTarget.value)}
        error={(showErrors || email.includes('@')) && invalid ? t('channels:owner.invalid') : undefined}
      />
      <TextInput
        label={t('channels:owner.name')}
        autoComplete="name"
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
      />
      <Group justify="flex-end">
        <Button type="submit" loading={busy}>
          {t('channels:owner.save')}
        </Button>
      </Group>
    </SectionCard>
  );
}
