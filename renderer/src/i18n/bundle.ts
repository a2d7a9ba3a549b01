import type { ResourceLanguage } from 'i18next';

/** `{ './common.json': {...} }` from import.meta.glob → `{ common: {...} }`. */
export function bundleFromModules(modules: Record<string, unknown>): ResourceLanguage {
  const bundle: ResourceLanguage = {};
  for (const [path, content] of Object.entries(modules)) {
    const namespace = /([^/]+)\.json$/.exec(path)?.[1];
    if (namespace) bundle[namespace] = content as ResourceLanguage[string];
  }
  return bundle;
}
