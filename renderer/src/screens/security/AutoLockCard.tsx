import { Button, Group, NumberInput, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useClient } from '../../client/ClientProvider';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useT } from '../../i18n/useT';
import { SectionCard } from '../common/SectionCard';

const MAX_MINUTES = 24 * 60;

/** Lock the vault after this many idle minutes (0: never). */
export function AutoLockCard({ minutes, onSaved }: { minutes: number; onSaved: () => void }) {
  const { t } = useT();
  const client = useClient();
  const [value, setValue] = useState<number>(minutes);
  const { busy, run } = useBusyAction();
  const invalid = !Number.isInteger(value) || value < 0 || value > MAX_MINUTES;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (invalid) return;
    await run(async () => {
      await client.call('settings.set', { autoLockMinutes: value });
      notifications.show({
        color: 'teal',
        message: value === 0 ? t('security:autoLock.savedNever') : t('security:autoLock.saved', { count: value }),
      });
      onSaved();
    });
  };

  return (
    <SectionCard
      id="autolock"
      title={t('security:autoLock.title')}
      description={`${t('security:autoLock.description')} ${t('common:lock.whileLocked')}`}
      onSubmit={submit}
    >
      <NumberInput
        label={t('security:autoLock.minutes')}
        description={t('security:autoLock.hint')}
        min={0}
        max={MAX_MINUTES}
        allowDecimal={false}
        allowNegative={false}
        value={value}
        onChange={(v) => setValue(typeof v === 'number' ? v : Number.NaN)}
        error={invalid ? t('security:autoLock.invalid', { max: MAX_MINUTES }) : undefined}
        w={260}
      />
      <Text size="sm" c="dimmed">
        {t('security:autoLock.linux')}
      </Text>
      <Group justify="flex-end">
        <Button type="submit" loading={busy} disabled={value === minutes}>
          {t('security:autoLock.save')}
        </Button>
      </Group>
    </SectionCard>
  );
}
