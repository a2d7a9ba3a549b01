import { Group, Text } from '@mantine/core';
import { IconFeather } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';
import { LanguageSwitch } from '../../app/LanguageSwitch';
import { ThemeSwitch } from '../../app/ThemeSwitch';

/** The app's name and the language and theme switches, before there is a shell to hold them. */
export function FirstRunToolbar() {
  const { t } = useT();
  return (
    <Group justify="space-between" mb="xl" component="header">
      <Group gap="xs">
        <IconFeather size={24} stroke={1.6} aria-hidden />
        <Text fw={700} size="lg" component="span">
          {t('common:appName')}
        </Text>
      </Group>
      <Group gap="xs">
        <LanguageSwitch />
        <ThemeSwitch />
      </Group>
    </Group>
  );
}
