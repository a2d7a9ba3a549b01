import { Button, Checkbox, Group, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useT } from '../../i18n/useT';
import { SectionCard } from '../common/SectionCard';
import { contactErrorText } from './contact-error';
import { contactProblem, nameProblem, type RecipientType } from './contact-validation';

const EMPTY = { name: '', type: 'email' as RecipientType, contact: '', ownNetwork: false };

/** Adds someone to the address book; the address is checked as it is typed. */
export function RecipientForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useT();
  const client = useClient();
  const [form, setForm] = useState(EMPTY);
  const [touched, setTouched] = useState({ name: false, contact: false });
  const { busy, run } = useBusyAction();

  const contact = contactProblem(form.type, form.contact, form.ownNetwork);
  const name = nameProblem(form.name);
  // The address is judged while typing, but an empty field only once the person has left it.
  const contactError = contactErrorText(t, contact, touched.contact);
  const nameError =
    name === 'long'
      ? t('recipients:form.nameTooLong')
      : name === 'empty' && touched.name
        ? t('recipients:form.nameRequired')
        : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched({ name: true, contact: true });
    if (contact || name) return;
    await run(async () => {
      const allowPrivateNetwork = form.type === 'webhook' && form.ownNetwork;
      await client.call('recipients.create', {
        name: form.name.trim(),
        type: form.type,
        contact: form.contact.trim(),
        allowPrivateNetwork,
      });
      setForm({ ...EMPTY, type: form.type });
      setTouched({ name: false, contact: false });
      onCreated();
    });
  };

  return (
    <SectionCard id="recipient-form" title={t('recipients:form.title')} onSubmit={submit}>
      <Stack gap={4}>
        <Text size="sm" fw={500} id="recipient-type-label">
          {t('recipients:form.type')}
        </Text>
        <SegmentedControl
          aria-labelledby="recipient-type-label"
          value={form.type}
          onChange={(value) => setForm({ ...form, type: value as RecipientType })}
          data={[
            { value: 'email', label: t('recipients:type.email') },
            { value: 'webhook', label: t('recipients:type.webhook') },
          ]}
        />
      </Stack>
      <TextInput
        label={t('recipients:form.name')}
        description={t('recipients:form.nameHint')}
        required
        value={form.name}
        onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
        onBlur={() => setTouched((s) => ({ ...s, name: true }))}
        error={nameError}
      />
      <TextInput
        label={form.type === 'email' ? t('recipients:form.email') : t('recipients:form.url')}
        description={form.type === 'email' ? t('recipients:form.emailHint') : t('recipients:form.urlHint')}
        type={form.type === 'email' ? 'email' : 'url'}
        required
        autoComplete="off"
        spellCheck={false}
        value={form.contact}
        onChange={(e) => setForm({ ...form, contact: e.currentTarget.value })}
        onBlur={() => setTouched((s) => ({ ...s, contact: true }))}
        error={contactError}
      />
      {form.type === 'webhook' && (
        <Checkbox
          label={t('channels:webhooks.ownNetwork')}
          description={t('channels:webhooks.ownNetworkHint')}
          checked={form.ownNetwork}
          onChange={(e) => setForm({ ...form, ownNetwork: e.currentTarget.checked })}
        />
      )}
      <Group justify="flex-end">
        <Button type="submit" leftSection={<IconPlus size={16} />} loading={busy}>
          {t('recipients:form.add')}
        </Button>
      </Group>
    </SectionCard>
  );
}
