import { Button, Group, TextInput } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { webhookUrlSchema } from '../../../../shared/validation.js';
import { useClient } from '../../client/ClientProvider';
import { focusFirstInvalid } from '../../hooks/focus-first-invalid';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useLeaveGuard } from '../../hooks/useLeaveGuard';
import { useT } from '../../i18n/useT';
import { isWebhookName } from './webhook-name';

/** Adds a webhook by name and URL; the server makes its signing secret. */
export function AddWebhookForm({ existing, onAdded }: { existing: string[]; onAdded: () => void }) {
  const { t } = useT();
  const client = useClient();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const { busy, run } = useBusyAction();
  useLeaveGuard(name !== '' || url !== '');
  const nameError =
    name !== '' && !isWebhookName(name)
      ? t('channels:webhooks.nameInvalid')
      : existing.includes(name)
        ? t('channels:webhooks.nameTaken')
        : showErrors && name === ''
          ? t('channels:webhooks.nameRequired')
          : undefined;
  const urlInvalid = !webhookUrlSchema.safeParse(url).success;
  const urlError = (url !== '' || showErrors) && urlInvalid ? t('channels:webhooks.urlInvalid') : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (!isWebhookName(name) || existing.includes(name) || urlInvalid) {
      focusFirstInvalid(event.currentTarget as HTMLElement);
      return;
    }
    await run(async () => {
      await client.call('channels.addWebhook', { name, url: url.trim() });
      setName('');
      setUrl('');
      setShowErrors(false);
      onAdded();
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-label={t('channels:webhooks.addTitle')}>
      <Group align="flex-start" wrap="wrap">
        <TextInput label={t('channels:webhooks.name')} description={t('channels:webhooks.nameHint')} spellCheck={false} autoComplete="off" value={name} onChange={(e) => setName(e.currentTarget.value)} error={nameError} w={220} />
        <TextInput label={t('channels:webhooks.url')} description={t('channels:webhooks.urlHint')} type="url" spellCheck={false} value={url} onChange={(e) => setUrl(e.currentTarget.value)} error={urlError} style={{ flex: 1, minWidth: 240 }} />
        <Button type="submit" mt={46} leftSection={<IconPlus size={16} />} loading={busy}>
          {t('channels:webhooks.add')}
        </Button>
      </Group>
    </form>
  );
}
