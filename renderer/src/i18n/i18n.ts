import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import {
  detectLanguage,
  DEFAULT_LANGUAGE,
  isLanguage,
  LANGUAGE_STORAGE_KEY,
  LANGUAGES,
  type Language,
} from './languages';
import { loadLanguage } from './load-language';
import { NAMESPACES } from './namespaces';

function browserEnvironment() {
  let storage: Storage | null = null;
  try {
    storage = window.localStorage;
  } catch {
    // Blocked storage: detection falls back to navigator.languages.
  }
  return { storage, languages: navigator.languages?.length ? navigator.languages : [navigator.language] };
}

function markDocument(language: Language): void {
  document.documentElement.lang = language;
}

/** Starts i18next in the saved or detected language, with English loaded as the fallback. */
export async function initI18n(): Promise<i18n> {
  const language = detectLanguage(browserEnvironment());
  const [bundle, fallback] = await Promise.all([
    loadLanguage(language),
    language === DEFAULT_LANGUAGE ? null : loadLanguage(DEFAULT_LANGUAGE),
  ]);
  await i18next.use(initReactI18next).init({
    lng: language,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    load: 'currentOnly',
    ns: [...NAMESPACES],
    defaultNS: 'common',
    resources: { [language]: bundle, ...(fallback ? { [DEFAULT_LANGUAGE]: fallback } : {}) },
    interpolation: { escapeValue: false },
    returnEmptyString: false,
    react: { useSuspense: false },
  });
  markDocument(language);
  return i18next;
}

/** Switches the language (loading its bundle first) and remembers the choice. */
export async function setLanguage(language: Language): Promise<void> {
  if (!i18next.hasResourceBundle(language, 'common')) {
    const bundle = await loadLanguage(language);
    for (const [namespace, resources] of Object.entries(bundle)) {
      i18next.addResourceBundle(language, namespace, resources, true, true);
    }
  }
  await i18next.changeLanguage(language);
  markDocument(language);
  try {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Not persisted; the switch still applies to this session.
  }
}

/** The language in use, as one of ours. */
export function currentLanguage(): Language {
  const language = i18next.resolvedLanguage ?? i18next.language;
  return isLanguage(language) ? language : DEFAULT_LANGUAGE;
}
