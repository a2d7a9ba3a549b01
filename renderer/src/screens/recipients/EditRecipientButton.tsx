import { ActionIcon, Button, Group, Modal, Stack, TextInput, Tooltip } from '@mantine/core';
import { IconPencil } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useT } from '../../i18n/useT';
import { contactErrorText } from './contact-error';
import { contactProblem, nameProblem } from './contact-validation';

type Recipient = MethodOutput<'recipients.list'>[number];

/** Renames a recipient or corrects the address; the messages addressed to them follow. */
export function EditRecipientButton({ recipient, onSaved }: { recipient: Recipient; onSaved: () => void }) {
  const { t } = useT();
  const client = useClient();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ name: recipient.name, contact: recipient.contact });
  const { busy, run } = useBusyAction();

  const start = () => {
    setForm({ name: recipient.name, contact: recipient.contact });
    setOpen(true);
  };
  // An address kept as it is was accepted when it was saved: only a changed one is judged again.
  const contact =
    form.contact.trim() === recipient.contact
      ? null
      : contactProblem(recipient.type, form.contact, recipient.allowPrivateNetwork);
  const name = nameProblem(form.name);
  const contactError = contactErrorText(t, contact, true);
  const nameError =
    name === 'long'
      ? t('recipients:form.nameTooLong')
      : name === 'empty'
        ? t('recipients:form.nameRequired')
        : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (contact || name) return;
    await run(async () => {
      await client.call('recipients.update', {
        id: recipient.id,
        name: form.name.trim(),
        contact: form.contact.trim(),
      });
      setOpen(false);
      onSaved();
    });
  };

  const label = t('recipients:edit.label', { name: recipient.name });
  return (
    <>
      <Tooltip label={label}>
        <ActionIcon variant="subtle" onClick={start} aria-label={label}>
          <IconPencil size={18} />
        </ActionIcon>
      </Tooltip>
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={t('recipients:edit.title')}
        closeButtonProps={{ 'aria-label': t('recipients:edit.cancel') }}
      >
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <TextInput
              label={t('recipients:form.name')}
              required
              data-autofocus
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
              error={nameError}
            />
            <TextInput
              label={recipient.type === 'email' ? t('recipients:form.email') : t('recipients:form.url')}
              description={
                recipient.usedBy.length > 0
                  ? t('recipients:edit.contactHint', { count: recipient.usedBy.length })
                  : undefined
              }
              type={recipient.type === 'email' ? 'email' : 'url'}
              required
              autoComplete="off"
              spellCheck={false}
              value={form.contact}
              onChange={(e) => setForm({ ...form, contact: e.currentTarget.value })}
              error={contactError}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpen(false)}>
                {t('recipients:edit.cancel')}
              </Button>
              <Button type="submit" loading={busy}>
                {t('recipients:edit.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
