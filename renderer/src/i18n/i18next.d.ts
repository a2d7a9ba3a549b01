// Type-checked translation keys: t('dashboard:title') compiles only if the key exists in the
// English bundle (bundles.test.ts checks that every other language has the same keys).
import 'i18next';
import type activity from './en/activity.json';
import type backup from './en/backup.json';
import type channels from './en/channels.json';
import type common from './en/common.json';
import type dashboard from './en/dashboard.json';
import type errors from './en/errors.json';
import type firstRun from './en/firstRun.json';
import type messages from './en/messages.json';
import type plans from './en/plans.json';
import type recipients from './en/recipients.json';
import type security from './en/security.json';
import type unlock from './en/unlock.json';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: {
      common: typeof common;
      errors: typeof errors;
      firstRun: typeof firstRun;
      unlock: typeof unlock;
      dashboard: typeof dashboard;
      messages: typeof messages;
      recipients: typeof recipients;
      plans: typeof plans;
      channels: typeof channels;
      security: typeof security;
      backup: typeof backup;
      activity: typeof activity;
    };
  }
}
