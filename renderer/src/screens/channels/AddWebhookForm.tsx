import { Button, Checkbox, Group, Stack, TextInput } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { checkWebhookUrl } from '../../../../shared/webhook-url.js';
import { useClient } from '../../client/ClientProvider';
import { focusFirstInvalid } from '../../hooks/focus-first-invalid';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useLeaveGuard } from '../../hooks/useLeaveGuard';
import { useT } from '../../i18n/useT';
import { isWebhookName } from './webhook-name';
import { webhookUrlProblemText } from '../../labels/webhook-url-problem';

/** Adds a webhook by name and URL; the server makes its signing secret. */
export function AddWebhookForm({ existing, onAdded }: { existing: string[]; onAdded: () => void }) {
  const { t } = useT();
  const client = useClient();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [ownNetwork, setOwnNetwork] = useState(false);
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
  const urlCheck = checkWebhookUrl(url, { allowPrivateNetwork: ownNetwork });
  const urlInvalid = !urlCheck.ok;
  const urlError = (url !== '' || showErrors) && !urlCheck.ok ? webhookUrlProblemText(t, urlCheck.problem) : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (!isWebhookName(name) || existing.includes(name) || urlInvalid) {
      focusFirstInvalid(event.currentTarget as HTMLElement);
      return;
    }
    await run(async () => {
      await client.call('channels.addWebhook', { name, url: url.trim(), allowPrivateNetwork: ownNetwork });
      setName('');
      setUrl('');
      setOwnNetwork(false);
      setShowErrors(false);
      onAdded();
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-label={t('channels:webhooks.addTitle')}>
      <Stack gap="xs">
        <Group align="flex-start" wrap="wrap">
          <TextInput
            label={t('channels:webhooks.name')}
            description={t('channels:webhooks.nameHint')}
            spellCheck={false}
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={nameError}
            w={220}
          />
          <TextInput
            label={t('channels:webhooks.url')}
            description={t('channels:webhooks.urlHint')}
            type="url"
            spellCheck={false}
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            error={urlError}
            style={{ flex: 1, minWidth: 240 }}
          />
          <Button type="submit" mt={46} leftSection={<IconPlus size={16} />} loading={busy}>
            {t('channels:webhooks.add')}
          </Button>
        </Group>
        <Checkbox
          label={t('channels:webhooks.ownNetwork')}
          description={t('channels:webhooks.ownNetworkHint')}
          checked={ownNetwork}
          onChange={(e) => setOwnNetwork(e.currentTarget.checked)}
        />
      </Stack>
    </form>
  );
}
