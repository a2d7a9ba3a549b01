import type { ResourceLanguage } from 'i18next';
import type { Language } from './languages';

const LOADERS: Record<Language, () => Promise<{ default: ResourceLanguage }>> = {
  en: () => import('./en/index'),
  'zh-CN': () => import('./zh-CN/index'),
};

/** All namespaces of one language (a separate chunk per language, so only the one in use is fetched). */
export async function loadLanguage(language: Language): Promise<ResourceLanguage> {
  return (await LOADERS[language]()).default;
}
