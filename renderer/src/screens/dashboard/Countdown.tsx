import { Text, type MantineSize } from '@mantine/core';
import { useT } from '../../i18n/useT';
import { useNow } from '../../hooks/useNow';
import { useFormat } from '../../i18n/useFormat';

/** "in 3 days 4 hours (12 Mar 2026, 14:05)", ticking every second on the server's clock. */
export function Countdown({ at, offsetMs, size = 'sm' }: { at: number; offsetMs: number; size?: MantineSize }) {
  const { t } = useT();
  const format = useFormat();
  const now = useNow(1000, offsetMs);
  const left = at - now;
  return (
    <Text size={size} component="span" role="timer" aria-live="off">
      {left > 0 ? t('dashboard:countdown.in', { duration: format.duration(left) }) : t('dashboard:countdown.due')}
      <Text span c="dimmed" size="xs" ml={6}>
        ({format.dateTime(at)})
      </Text>
    </Text>
  );
}
