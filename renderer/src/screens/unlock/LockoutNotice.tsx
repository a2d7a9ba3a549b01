import { Alert } from '@mantine/core';
import { IconClockPause } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';
import { useFormat } from '../../i18n/useFormat';

/** The backoff after wrong passwords, counting down live. */
export function LockoutNotice({ remainingMs }: { remainingMs: number }) {
  const { t } = useT();
  const format = useFormat();
  return (
    <Alert
      color="orange"
      variant="light"
      icon={<IconClockPause />}
      title={t('unlock:lockedOut.title')}
      role="timer"
      aria-live="off"
    >
      {t('unlock:lockedOut.body', { wait: format.duration(Math.ceil(remainingMs / 1000) * 1000) })}
    </Alert>
  );
}
