import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../shared/error-codes.js';
import { LANGUAGES } from './languages';
import { NAMESPACES } from './namespaces';
import GLOSSARY from './glossary.json';

/**
 * Every translation key the source uses exists in every language, and the languages agree.
 * Keys are found by the one call style the renderer uses: t('namespace:key') with a literal.
 * The only dynamic key is errors:code.<CODE>, checked against shared/error-codes.ts.
 */
const SOURCES = import.meta.glob<string>(['../**/*.{ts,tsx}', '!../**/*.test.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});
const BUNDLES = import.meta.glob<Record<string, unknown>>('./*/*.json', { import: 'default', eager: true });

const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof child === 'string') out.set(path, child);
    else for (const [k, v] of flatten(child, path)) out.set(k, v);
  }
  return out;
}

/** language → 'namespace:key' → text */
const keysByLanguage = new Map<string, Map<string, string>>();
for (const [path, content] of Object.entries(BUNDLES)) {
  const [, language, namespace] = /^\.\/([^/]+)\/([^/]+)\.json$/.exec(path) ?? [];
  if (!language || !namespace) continue;
  const keys = keysByLanguage.get(language) ?? new Map<string, string>();
  for (const [key, text] of flatten(content)) keys.set(`${namespace}:${key}`, text);
  keysByLanguage.set(language, keys);
}

const has = (language: string, key: string) => {
  const keys = keysByLanguage.get(language)!;
  return keys.has(key) || keys.has(`${key}_other`);
};

const usedKeys = new Map<string, string>();
const dynamicKeys: string[] = [];
const bareKeys: string[] = [];
for (const [file, text] of Object.entries(SOURCES)) {
  for (const m of text.matchAll(/\bt\(\s*'([^']*)'/g)) {
    if (m[1]!.includes(':')) usedKeys.set(m[1]!, file);
    else bareKeys.push(`${file}: ${m[1]}`);
  }
  for (const m of text.matchAll(/\bt\(\s*`([^`]*)`/g)) dynamicKeys.push(m[1]!);
}

describe('translation bundles', () => {
  it('has every namespace in every language', () => {
    for (const language of LANGUAGES) {
      for (const namespace of NAMESPACES)
        expect(BUNDLES[`./${language}/${namespace}.json`], `${language}/${namespace}.json`).toBeDefined();
    }
  });

  it('finds the keys the source uses (the scan works)', () => {
    expect(usedKeys.size).toBeGreaterThan(100);
  });

  it('uses t() only with a namespace and a literal key, apart from error codes', () => {
    expect(bareKeys).toEqual([]);
    expect(new Set(dynamicKeys)).toEqual(
      new Set(['errors:code.${error.code}', 'errors:code.${rpc.code}', 'errors:code.${status.error.code}']),
    );
  });

  it.each(LANGUAGES)('has every key the source uses in %s', (language) => {
    const missing = [...usedKeys].filter(([key]) => !has(language, key)).map(([key, file]) => `${key} (${file})`);
    expect(missing).toEqual([]);
  });

  it.each(LANGUAGES)('has a message for every error code in %s', (language) => {
    const missing = ERROR_CODES.filter((code) => !has(language, `errors:code.${code}`));
    expect(missing).toEqual([]);
  });

  it('has the same keys in every language (plural forms aside)', () => {
    const normalized = (language: string) =>
      new Set([...keysByLanguage.get(language)!.keys()].map((k) => k.replace(PLURAL, '')));
    const [first, ...rest] = LANGUAGES;
    for (const language of rest) expect([...normalized(language)].sort()).toEqual([...normalized(first)].sort());
  });

  it('uses the same {{placeholders}} in every language', () => {
    const placeholders = (text: string) =>
      [...text.matchAll(/{{\s*(\w+)/g)]
        .map((m) => m[1])
        .sort()
        .join(',');
    const en = keysByLanguage.get('en')!;
    const mismatched: string[] = [];
    for (const language of LANGUAGES.filter((l) => l !== 'en')) {
      for (const [key, text] of keysByLanguage.get(language)!) {
        const base = key.replace(PLURAL, '');
        const english = en.get(key) ?? en.get(`${base}_other`) ?? en.get(base);
        if (english !== undefined && placeholders(english) !== placeholders(text))
          mismatched.push(`${language} ${key}`);
      }
    }
    expect(mismatched).toEqual([]);
  });

  it('leaves no key unused (other than the namespace titles colleagues will use)', () => {
    const used = new Set([...usedKeys.keys()]);
    const unused = [...keysByLanguage.get('en')!.keys()]
      .map((k) => k.replace(PLURAL, ''))
      .filter((k) => !used.has(k) && !k.startsWith('errors:code.'));
    expect([...new Set(unused)]).toEqual([]);
  });
});

interface GlossaryTerm {
  concept: string;
  use: string;
  avoid?: string[];
  avoidPattern?: string;
}

describe('glossary (glossary.json): one term per concept', () => {
  const glossary = GLOSSARY as unknown as Record<string, GlossaryTerm[] | string>;
  const languages = Object.keys(glossary).filter((key) => Array.isArray(glossary[key]));

  it('covers a translation and is itself consistent', () => {
    expect(languages).toContain('zh-CN');
    for (const language of languages) {
      for (const term of glossary[language] as GlossaryTerm[]) {
        expect(term.avoid ?? [], term.concept).not.toContain(term.use);
        if (term.avoidPattern) expect(term.use, term.concept).not.toMatch(new RegExp(term.avoidPattern, 'u'));
      }
    }
  });

  it.each(languages)('is followed by every %s text', (language) => {
    const texts = keysByLanguage.get(language)!;
    const broken: string[] = [];
    for (const term of glossary[language] as GlossaryTerm[]) {
      const pattern = term.avoidPattern ? new RegExp(term.avoidPattern, 'u') : null;
      for (const [key, text] of texts) {
        const found = (term.avoid ?? []).find((word) => text.includes(word)) ?? pattern?.exec(text)?.[0] ?? null;
        if (found) broken.push(`${key}: "${found}" (use ${term.use} for ${term.concept})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('leaves joining lists to the language (format.list), never ", " in code', () => {
    const joined = Object.entries(SOURCES)
      .filter(([, text]) => /\.join\(\s*['"`][,，、]/.test(text))
      .map(([file]) => file);
    expect(joined).toEqual([]);
  });
});
