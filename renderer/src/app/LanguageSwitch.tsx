import { ActionIcon, Menu, Tooltip } from '@mantine/core';
import { IconCheck, IconLanguage } from '@tabler/icons-react';
import { useT } from '../i18n/useT';
import { currentLanguage, setLanguage } from '../i18n/i18n';
import { LANGUAGES, type Language } from '../i18n/languages';

/** English / 简体中文; each name is shown in its own language, so anyone can find theirs. */
export function LanguageSwitch() {
  const { t } = useT();
  const active = currentLanguage();
  const names: Record<Language, string> = { en: t('common:language.en'), 'zh-CN': t('common:language.zh-CN') };
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Tooltip label={t('common:language.label')}>
          <ActionIcon variant="default" size="lg" aria-label={t('common:language.label')}>
            <IconLanguage size={18} stroke={1.6} />
          </ActionIcon>
        </Tooltip>
      </Menu.Target>
      <Menu.Dropdown>
        {LANGUAGES.map((language) => (
          <Menu.Item
            key={language}
            lang={language}
            onClick={() => void setLanguage(language)}
            rightSection={language === active ? <IconCheck size={14} aria-hidden /> : null}
            aria-current={language === active ? 'true' : undefined}
          >
            {names[language]}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
