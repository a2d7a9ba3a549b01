import { describe, expect, it } from 'vitest';
import { detectLanguage, LANGUAGE_STORAGE_KEY, matchLanguage } from './languages';

describe('language detection', () => {
  it('takes the first supported language from the browser list', () => {
    expect(matchLanguage(['fr-FR', 'zh-Hans-CN', 'en'])).toBe('zh-CN');
    expect(matchLanguage(['de', 'en-GB'])).toBe('en');
    expect(matchLanguage(['zh-TW'])).toBe('zh-CN');
  });
  it('falls back to English', () => {
    expect(matchLanguage(['fr', 'de'])).toBe('en');
    expect(matchLanguage([])).toBe('en');
  });
  it('prefers the saved choice, and ignores a saved value it does not know', () => {
    const storage = (value: string | null) => ({
      getItem: (key: string) => (key === LANGUAGE_STORAGE_KEY ? value : null),
    });
    expect(detectLanguage({ storage: storage('zh-CN'), languages: ['en-US'] })).toBe('zh-CN');
    expect(detectLanguage({ storage: storage('klingon'), languages: ['zh'] })).toBe('zh-CN');
  });
  it('survives storage that throws', () => {
    const storage = {
      getItem: () => {
        throw new Error('blocked');
      },
    };
    expect(detectLanguage({ storage, languages: ['zh-CN'] })).toBe('zh-CN');
  });
});
