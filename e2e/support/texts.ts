// The UI's own words, looked up by i18n key in the renderer's bundles, so every locator and
// assertion works in each language the app speaks. Lookups go through i18next with the renderer's
// settings (plurals, interpolation), and a key missing from a bundle is an error, not a silent
// fallback to the key itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n, type ResourceLanguage } from 'i18next';
import type activity from '../../renderer/src/i18n/en/activity.json';
import type backup from '../../renderer/src/i18n/en/backup.json';
import type channels from '../../renderer/src/i18n/en/channels.json';
import type common from '../../renderer/src/i18n/en/common.json';
import type dashboard from '../../renderer/src/i18n/en/dashboard.json';
import type errors from '../../renderer/src/i18n/en/errors.json';
import type firstRun from '../../renderer/src/i18n/en/firstRun.json';
import type messages from '../../renderer/src/i18n/en/messages.json';
import type plans from '../../renderer/src/i18n/en/plans.json';
import type recipients from '../../renderer/src/i18n/en/recipients.json';
import type security from '../../renderer/src/i18n/en/security.json';
import type unlock from '../../renderer/src/i18n/en/unlock.json';
import { NAMESPACES } from '../../renderer/src/i18n/namespaces.js';
import { REPO_ROOT } from './env.js';

interface Bundles {
  activity: typeof activity;
  backup: typeof backup;
  channels: typeof channels;
  common: typeof common;
  dashboard: typeof dashboard;
  errors: typeof errors;
  firstRun: typeof firstRun;
  messages: typeof messages;
  plans: typeof plans;
  recipients: typeof recipients;
  security: typeof security;
  unlock: typeof unlock;
}

type PluralBase<K extends string> = K extends `${infer Base}_${'zero' | 'one' | 'two' | 'few' | 'many' | 'other'}`
  ? Base
  : K;
type KeysOf<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${PluralBase<K>}` : KeysOf<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** `namespace:path.to.key`, checked at compile time against the English bundle. */
export type TextKey = { [N in keyof Bundles & string]: `${N}:${KeysOf<Bundles[N]>}` }[keyof Bundles & string];
export type TextValues = Record<string, string | number>;

/** The languages the suite checks (renderer/src/i18n/languages.ts; not imported: it needs the DOM's types). */
export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const HOLE = '\u0000';

/** The texts of one language. */
export class Texts {
  constructor(
    readonly language: Language,
    private readonly i18n: i18n,
  ) {}

  t(key: TextKey, values: TextValues = {}): string {
    if (!this.i18n.exists(key, values)) throw new Error(`no text "${key}" in the ${this.language} bundles`);
    return this.i18n.t(key, values);
  }

  /**
   * The text as a pattern whose `hole` value is captured: `pattern('firstRun:recovery.typeGroup',
   * 'number', '\\d+')` matches "To check, type group 4 from your copy" and captures "4".
   */
  pattern(key: TextKey, hole: string, capture = '.+?', values: TextValues = {}): RegExp {
    if (hole === 'count') throw new Error('`count` chooses the plural form: it cannot be a hole');
    const parts = this.t(key, { ...values, [hole]: HOLE })
      .split(HOLE)
      .map(escapeRegExp);
    return new RegExp(`^${parts.join(`(${capture})`)}$`);
  }
}

const cache = new Map<Language, Promise<Texts>>();

function readBundle(language: Language): ResourceLanguage {
  const dir = join(REPO_ROOT, 'renderer', 'src', 'i18n', language);
  return Object.fromEntries(
    NAMESPACES.map((ns) => [ns, JSON.parse(readFileSync(join(dir, `${ns}.json`), 'utf8')) as ResourceLanguage[string]]),
  );
}

/** The texts of `language`, with the renderer's i18next settings (no fallback: a gap is an error). */
export function textsFor(language: Language): Promise<Texts> {
  let texts = cache.get(language);
  if (!texts) {
    const instance = i18next.createInstance();
    texts = instance
      .init({
        lng: language,
        fallbackLng: false,
        ns: [...NAMESPACES],
        defaultNS: 'common',
        resources: { [language]: readBundle(language) },
        interpolation: { escapeValue: false },
        returnEmptyString: false,
      })
      .then(() => new Texts(language, instance));
    cache.set(language, texts);
  }
  return texts;
}
