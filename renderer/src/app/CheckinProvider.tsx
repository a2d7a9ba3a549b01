import { notifications } from '@mantine/notifications';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useT } from '../i18n/useT';
import { useClient } from '../client/ClientProvider';
import { useBusyAction } from '../hooks/useBusyAction';
import { useFormat } from '../i18n/useFormat';

interface Checkin {
  /** Says "I'm here" to every plan. Resolves true when it was heard. */
  checkIn(): Promise<boolean>;
  busy: boolean;
  /** Bumped after each successful check-in, so screens showing status load it again. */
  version: number;
}

const CheckinContext = createContext<Checkin | null>(null);

/** The one way the UI checks in: the dashboard button and the keyboard shortcut both come here. */
export function CheckinProvider({ children }: { children: ReactNode }) {
  const { t } = useT();
  const client = useClient();
  const format = useFormat();
  const { busy, run } = useBusyAction();
  const [version, setVersion] = useState(0);

  const checkIn = useCallback(
    () =>
      run(async () => {
        const { at } = await client.call('checkin');
        notifications.show({
          color: 'teal',
          title: t('common:checkin.doneTitle'),
          message: t('common:checkin.doneBody', { time: format.dateTime(at) }),
        });
        setVersion((v) => v + 1);
      }),
    [client, format, run, t],
  );

  const value = useMemo(() => ({ checkIn, busy, version }), [checkIn, busy, version]);
  return <CheckinContext.Provider value={value}>{children}</CheckinContext.Provider>;
}

export function useCheckin(): Checkin {
  const value = useContext(CheckinContext);
  if (!value) throw new Error('useCheckin must be used inside <CheckinProvider>');
  return value;
}
