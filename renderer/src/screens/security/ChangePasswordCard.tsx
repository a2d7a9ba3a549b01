import { Button, Group } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useT } from '../../i18n/useT';
import { CurrentPasswordInput } from '../common/CurrentPasswordInput';
import { isNewPasswordValid, NewPasswordFields, type NewPassword } from '../common/NewPasswordFields';
import { SectionCard } from '../common/SectionCard';
import { useCurrentPassword } from '../common/useCurrentPassword';

const EMPTY: NewPassword = { password: '', confirmation: '' };

/** A new password, after the current one; the recovery key keeps working. */
export function ChangePasswordCard() {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const current = useCurrentPassword();
  const [next, setNext] = useState<NewPassword>(EMPTY);
  const [showErrors, setShowErrors] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (current.value === '' || !isNewPasswordValid(next)) return;
    await run(
      async () => {
        await client.call('vault.changePassword', { currentPassword: current.value, newPassword: next.password });
        current.clear();
        setNext(EMPTY);
        setShowErrors(false);
        notifications.show({ color: 'teal', message: t('security:password.changed') });
      },
      { WRONG_PASSWORD: current.refuse },
    );
  };

  return (
    <SectionCard
      id="password"
      title={t('security:password.title')}
      description={t('security:password.description')}
      onSubmit={submit}
    >
      <CurrentPasswordInput
        label={t('security:password.current')}
        field={current}
        required
        error={showErrors && current.value === '' ? t('security:password.currentRequired') : undefined}
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
