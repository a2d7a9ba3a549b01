import { Burger, Group, Text } from '@mantine/core';
import { IconFeather } from '@tabler/icons-react';
import { useT } from '../i18n/useT';
import { LanguageSwitch } from './LanguageSwitch';
import { LockButton } from './LockButton';
import { ThemeSwitch } from './ThemeSwitch';

export function HeaderBar({
  navOpen,
  onToggleNav,
  onLocked,
}: {
  navOpen: boolean;
  onToggleNav: () => void;
  onLocked: () => void;
}) {
  const { t } = useT();
  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap">
      <Group gap="xs" wrap="nowrap">
        <Burger opened={navOpen} onClick={onToggleNav} hiddenFrom="sm" size="sm" aria-label={t('common:nav.toggle')} />
        <IconFeather size={24} stroke={1.6} aria-hidden />
        <Text fw={700} size="lg" component="span">
          {t('common:appName')}
        </Text>
      </Group>
      <Group gap="xs" wrap="nowrap">
        <LanguageSwitch />
        <ThemeSwitch />
        <LockButton onLocked={onLocked} />
      </Group>
    </Group>
  );
}
