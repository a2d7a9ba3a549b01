/** The languages Afterword speaks. `en` is also the fallback. */
export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

export const DEFAULT_LANGUAGE: Language = 'en';
export const LANGUAGE_STORAGE_KEY = 'afterword.language';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The first supported language in the user's preference list (BCP 47 tags such as `zh-Hans-CN`,
 * `en-GB`): any Chinese tag gets 简体中文, any English tag English.
 */
export function matchLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split(/[-_]/)[0];
    if (primary === 'zh') return 'zh-CN';
    if (primary === 'en') return 'en';
  }
  return DEFAULT_LANGUAGE;
}

interface Environment {
  storage?: Pick<Storage, 'getItem'> | null;
  languages?: readonly string[];
}

/** The saved choice if there is one, otherwise the browser's (or the OS's, in Electron) languages. */
export function detectLanguage(env: Environment): Language {
  try {
    const saved = env.storage?.getItem(LANGUAGE_STORAGE_KEY);
    if (isLanguage(saved)) return saved;
  } catch {
    // Storage may be blocked; fall through to the browser's languages.
  }
  return matchLanguage(env.languages ?? []);
}
