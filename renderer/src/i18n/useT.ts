import { useTranslation } from 'react-i18next';
import { NAMESPACES } from './namespaces';

/**
 * The renderer's one way to translate: `const { t } = useT(); t('dashboard:title')`. Every
 * namespace is in scope, so keys are always written 'namespace:key' (the form bundles.test.ts
 * scans for), and TypeScript rejects a key that is not in the English bundle.
 */
export function useT() {
  return useTranslation(NAMESPACES);
}

/** The t function's type, for helpers that translate on a component's behalf. */
export type Translate = ReturnType<typeof useT>['t'];
