import { useMemo } from 'react';
import { useT } from './useT';
import {
  formatDateTime,
  formatDuration,
  formatList,
  formatLongDateTime,
  formatNumber,
  formatRelative,
  listPieces,
} from './format';

/** The formatters of format.ts bound to the language in use (re-rendered when it changes). */
export function useFormat() {
  const { i18n } = useT();
  const language = i18n.resolvedLanguage ?? i18n.language;
  return useMemo(
    () => ({
      dateTime: (ms: number) => formatDateTime(ms, language),
      longDateTime: (ms: number) => formatLongDateTime(ms, language),
      relative: (ms: number, now: number) => formatRelative(ms, now, language),
      /** For what already happened: never "in 1 second" because the two clocks differ a little. */
      ago: (ms: number, now: number) => formatRelative(Math.min(ms, now), now, language),
      duration: (ms: number, maxUnits?: number) => formatDuration(ms, language, maxUnits),
      number: (value: number) => formatNumber(value, language),
      list: (items: readonly string[]) => formatList(items, language),
      listPieces: (count: number) => listPieces(count, language),
    }),
    [language],
  );
}
