import { Button, Group, PasswordInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useClient } from '../../client/ClientProvider';
import { toRpcError } from '../../client/rpc-error';
import { useNotifyError } from '../../hooks/useNotifyError';
import { useT } from '../../i18n/useT';
import { isNewPasswordValid, NewPasswordFields, type NewPassword } from '../common/NewPasswordFields';
import { SectionCard } from '../common/SectionCard';

const EMPTY: NewPassword = { password: '', confirmation: '' };

/** A new password, after the current one; the recovery key keeps working. */
export function ChangePasswordCard() {
  const { t } = useT();
  const client = useClient();
  const notifyError = useNotifyError();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState<NewPassword>(EMPTY);
  const [showErrors, setShowErrors] = useState(false);
  const [wrong, setWrong] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (current === '' || !isNewPasswordValid(next)) return;
    setBusy(true);
    setWrong(false);
    try {
      await client.call('vault.changePassword', { currentPassword: current, newPassword: next.password });
      setCurrent('');
      setNext(EMPTY);
      setShowErrors(false);
      notifications.show({ color: 'teal', message: t('security:password.changed') });
    } catch (error) {
      const rpc = toRpcError(error);
      if (rpc.code === 'WRONG_PASSWORD') setWrong(true);
      else notifyError(rpc);
    } finally {
      setBusy(false);
    }
  };

  return (
    <SectionCard id="password" title={t('security:password.title')} description={t('security:password.description')} onSubmit={submit}>
      <PasswordInput
        label={t('security:password.current')}
        autoComplete="current-password"
        required
        value={current}
        onChange={(e) => {
          setCurrent(e.currentTarget.value);
          setWrong(false);
        }}
        error={wrong ? t('errors:code.WRONG_PASSWORD') : showErrors && current === '' ? t('security:password.currentRequired') : undefined}
      />
      <NewPasswordFields value={next} onChange={setNext} showErrors={showErrors} label={t('security:password.new')} />
      <Group justify="flex-end">
        <Button type="submit" loading={busy}>
          {t('security:password.submit')}
        </Button>
      </Group>
    </SectionCard>
  );
}
