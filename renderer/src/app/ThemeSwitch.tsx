import { useMantineColorScheme, type MantineColorScheme } from '@mantine/core';
import { IconDeviceDesktop, IconMoon, IconSun } from '@tabler/icons-react';
import { useT } from '../i18n/useT';
import { ChoiceMenu } from './ChoiceMenu';

const ICONS = { light: IconSun, dark: IconMoon, auto: IconDeviceDesktop } as const;

/** Light, dark, or follow the system (the default); Mantine keeps the choice in localStorage. */
export function ThemeSwitch() {
  const { t } = useT();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const labels: Record<MantineColorScheme, string> = {
    light: t('common:theme.light'),
    dark: t('common:theme.dark'),
    auto: t('common:theme.auto'),
  };
  const Current = ICONS[colorScheme];
  return (
    <ChoiceMenu
      label={t('common:theme.label')}
      icon={<Current size={18} stroke={1.6} />}
      choices={(['auto', 'light', 'dark'] as const).map((scheme) => {
        const Icon = ICONS[scheme];
        return { value: scheme, label: labels[scheme], icon: <Icon size={14} aria-hidden /> };
      })}
      current={colorScheme}
      onChoose={setColorScheme}
    />
  );
}
