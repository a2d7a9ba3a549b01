import { IconLanguage } from '@tabler/icons-react';
import { useT } from '../i18n/useT';
import { currentLanguage, setLanguage } from '../i18n/i18n';
import { LANGUAGES, type Language } from '../i18n/languages';
import { ChoiceMenu } from './ChoiceMenu';

/** English / 简体中文; each name is shown in its own language, so anyone can find theirs. */
export function LanguageSwitch() {
  const { t } = useT();
  const names: Record<Language, string> = { en: t('common:language.en'), 'zh-CN': t('common:language.zh-CN') };
  return (
    <ChoiceMenu
      label={t('common:language.label')}
      icon={<IconLanguage size={18} stroke={1.6} />}
      choices={LANGUAGES.map((language) => ({ value: language, label: names[language], lang: language }))}
      current={currentLanguage()}
      onChoose={(language) => void setLanguage(language)}
    />
  );
}
