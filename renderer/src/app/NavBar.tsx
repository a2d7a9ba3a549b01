import { Kbd, NavLink, Stack, Text } from '@mantine/core';
import { useT } from '../i18n/useT';
import { SHORTCUTS } from '../hooks/shortcut-keys';
import { ROUTES } from './routes';
import { hashFor } from './useHashRoute';

/** The screens, as links (real anchors: middle-click, keyboard and screen readers behave). */
export function NavBar({ current, onNavigate }: { current: string; onNavigate: () => void }) {
  const { t } = useT();
  return (
    <Stack gap={2} h="100%">
      {ROUTES.map(({ id, icon: Icon, label }) => (
        <NavLink
          key={id}
          href={hashFor(id)}
          label={label(t)}
          leftSection={<Icon size={18} stroke={1.6} aria-hidden />}
          active={id === current}
          aria-current={id === current ? 'page' : undefined}
          onClick={onNavigate}
        />
      ))}
      <Text size="xs" c="dimmed" mt="auto" px="sm" pb="xs">
        {t('common:shortcuts.checkin')} <Kbd size="xs">{SHORTCUTS.checkin()}</Kbd>
        <br />
        {t('common:shortcuts.newMessage')} <Kbd size="xs">{SHORTCUTS.newMessage()}</Kbd>
      </Text>
    </Stack>
  );
}
