/** Every namespace; each has one JSON file per language under i18n/<language>/<namespace>.json. */
export const NAMESPACES = [
  'common',
  'errors',
  'firstRun',
  'unlock',
  'dashboard',
  'messages',
  'recipients',
  'plans',
  'channels',
  'security',
  'backup',
  'activity',
] as const;

export type Namespace = (typeof NAMESPACES)[number];
