import { Button, Grid, Group, NumberInput, PasswordInput, Select, SimpleGrid, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconSend } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { emailSchema, smtpHostSchema } from '../../../../shared/validation.js';
import { useClient } from '../../client/ClientProvider';
import { focusFirstInvalid } from '../../hooks/focus-first-invalid';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useLeaveGuard } from '../../hooks/useLeaveGuard';
import { useT } from '../../i18n/useT';
import { ChannelTestResult } from './ChannelTestResult';
import { useChannelTest } from './useChannelTest';
import { SectionCard } from '../common/SectionCard';

type Smtp = NonNullable<MethodOutput<'channels.get'>['smtp']>;
type Tls = Smtp['tls'];

const DEFAULT_PORT: Record<Tls, number> = { implicit: 465, starttls: 587, none: 25 };

/** The mail server Afterword sends through; the stored password stays unless a new one is typed. */
export function SmtpCard({ smtp, onSaved }: { smtp: Smtp | null; onSaved: () => void }) {
  const { t } = useT();
  const client = useClient();
  const test = useChannelTest('email');
  const [saved, setSaved] = useState({
    host: smtp?.host ?? '',
    port: smtp?.port ?? 587,
    tls: smtp?.tls ?? ('starttls' as Tls),
    user: smtp?.user ?? '',
    password: '',
    from: smtp?.from ?? '',
  });
  const [form, setForm] = useState(saved);
  const [showErrors, setShowErrors] = useState(false);
  const { busy, run } = useBusyAction();
  useLeaveGuard(JSON.stringify(form) !== JSON.stringify(saved));
  const hostMissing = form.host.trim() === '';
  const hostInvalid = !hostMissing && !smtpHostSchema().safeParse(form.host).success;
  const fromInvalid = !emailSchema().safeParse(form.from).success;
  const portInvalid = !Number.isInteger(form.port) || form.port < 1 || form.port > 65535;

  /** The settings as entered; the password left empty keeps the stored one (omitted). */
  const entered = () => ({
    host: form.host.trim(),
    port: form.port,
    tls: form.tls,
    user: form.user.trim() === '' ? null : form.user.trim(),
    // With no user, there is no password.
    ...(form.user.trim() === '' ? { password: null } : form.password !== '' ? { password: form.password } : {}),
    from: form.from.trim(),
  });
  /** Shows what is missing and focuses the first such field; `within`: the form. */
  const valid = (within: Element | null) => {
    setShowErrors(true);
    if (!hostMissing && !hostInvalid && !fromInvalid && !portInvalid) return true;
    focusFirstInvalid(within instanceof HTMLElement ? within : null);
    return false;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid(event.currentTarget as Element)) return;
    await run(async () => {
      await client.call('channels.setSmtp', entered());
      const next = { ...form, password: '' };
      setForm(next);
      setSaved(next);
      notifications.show({ color: 'teal', message: t('channels:smtp.saved') });
      onSaved();
    });
  };

  return (
    <SectionCard
      id="smtp"
      title={t('channels:smtp.title')}
      description={t('channels:smtp.description')}
      onSubmit={submit}
    >
      {/* The security choice gets the room its longest option needs; the port needs little. */}
      <Grid>
        <Grid.Col span={{ base: 12, sm: 5 }}>
          <TextInput
            label={t('channels:smtp.host')}
            placeholder="smtp.example.org"
            required
            spellCheck={false}
            value={form.host}
            onChange={(e) => setForm({ ...form, host: e.currentTarget.value })}
            error={
              showErrors && hostMissing
                ? t('channels:smtp.hostRequired')
                : hostInvalid
                  ? t('channels:smtp.hostInvalid')
                  : undefined
            }
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 5 }}>
          <Select
            label={t('channels:smtp.tls')}
            allowDeselect={false}
            value={form.tls}
            onChange={(v) => {
              if (!v) return;
              const tls = v as Tls;
              // Moving between the usual ports follows the security setting; a custom port stays.
              const port = Object.values(DEFAULT_PORT).includes(form.port) ? DEFAULT_PORT[tls] : form.port;
              setForm({ ...form, tls, port });
            }}
            data={[
              { value: 'starttls', label: t('channels:smtp.tlsStarttls') },
              { value: 'implicit', label: t('channels:smtp.tlsImplicit') },
              { value: 'none', label: t('channels:smtp.tlsNone') },
            ]}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 2 }}>
          <NumberInput
            label={t('channels:smtp.port')}
            min={1}
            max={65535}
            allowDecimal={false}
            allowNegative={false}
            value={form.port}
            onChange={(v) => setForm({ ...form, port: typeof v === 'number' ? v : Number.NaN })}
            error={showErrors && portInvalid ? t('channels:smtp.portInvalid') : undefined}
          />
        </Grid.Col>
      </Grid>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label={t('channels:smtp.user')}
          description={t('channels:smtp.userHint')}
          autoComplete="off"
          spellCheck={false}
          value={form.user}
          onChange={(e) => setForm({ ...form, user: e.currentTarget.value })}
        />
        <PasswordInput
          label={t('channels:smtp.password')}
          description={smtp?.passwordSet ? t('channels:smtp.passwordKeep') : t('channels:smtp.passwordHint')}
          placeholder={smtp?.passwordSet ? '••••••••' : undefined}
          autoComplete="new-password"
          disabled={form.user.trim() === ''}
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.currentTarget.value })}
        />
      </SimpleGrid>
      <TextInput
        label={t('channels:smtp.from')}
        description={t('channels:smtp.fromHint')}
        type="email"
        required
        spellCheck={false}
        value={form.from}
        onChange={(e) => setForm({ ...form, from: e.currentTarget.value })}
        error={(showErrors || form.from.length > 3) && fromInvalid ? t('channels:smtp.fromInvalid') : undefined}
      />
      <Group justify="flex-end">
        <Button
          variant="default"
          leftSection={<IconSend size={16} />}
          onClick={(e) => valid(e.currentTarget.closest('form')) && test.runWith(entered())}
          loading={test.busy}
        >
          {t('channels:smtp.test')}
        </Button>
        <Button type="submit" loading={busy}>
          {t('channels:smtp.save')}
        </Button>
      </Group>
      <Text size="xs" c="dimmed" ta="right">
        {t('channels:smtp.testUsesScreen')}
      </Text>
      {test.result && <ChannelTestResult result={test.result} okHint={t('channels:smtp.testOk')} />}
    </SectionCard>
  );
}
