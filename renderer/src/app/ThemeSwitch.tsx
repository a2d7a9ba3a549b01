import { ActionIcon, Menu, Tooltip, useMantineColorScheme, type MantineColorScheme } from '@mantine/core';
import { IconCheck, IconDeviceDesktop, IconMoon, IconSun } from '@tabler/icons-react';
import { useT } from '../i18n/useT';

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
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Tooltip label={t('common:theme.label')}>
          <ActionIcon variant="default" size="lg" aria-label={t('common:theme.label')}>
            <Current size={18} stroke={1.6} />
          </ActionIcon>
        </Tooltip>
      </Menu.Target>
      <Menu.Dropdown>
        {(['auto', 'light', 'dark'] as const).map((scheme) => {
          const Icon = ICONS[scheme];
          return (
            <Menu.Item
              key={scheme}
              leftSection={<Icon size={14} aria-hidden />}
              rightSection={scheme === colorScheme ? <IconCheck size={14} aria-hidden /> : null}
              onClick={() => setColorScheme(scheme)}
            >
              {labels[scheme]}
            </Menu.Item>
          );
        })}
      </Menu.Dropdown>
    </Menu>
  );
}
