import {
  IconActivity,
  IconAddressBook,
  IconBell,
  IconCalendarTime,
  IconCloudUpload,
  IconLayoutDashboard,
  IconMail,
  IconShieldLock,
  type TablerIcon,
} from '@tabler/icons-react';
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Translate } from '../i18n/useT';

export interface ScreenRoute {
  id: string;
  icon: TablerIcon;
  label(t: Translate): string;
  Screen: LazyExoticComponent<ComponentType>;
}

/** The screens of the unlocked app, in navigation order. Each is its own chunk. */
export const ROUTES: readonly ScreenRoute[] = [
  {
    id: 'dashboard',
    icon: IconLayoutDashboard,
    label: (t) => t('common:nav.dashboard'),
    Screen: lazy(() => import('../screens/dashboard/DashboardScreen')),
  },
  {
    id: 'messages',
    icon: IconMail,
    label: (t) => t('common:nav.messages'),
    Screen: lazy(() => import('../screens/messages/MessagesScreen')),
  },
  {
    id: 'recipients',
    icon: IconAddressBook,
    label: (t) => t('common:nav.recipients'),
    Screen: lazy(() => import('../screens/recipients/RecipientsScreen')),
  },
  {
    id: 'plans',
    icon: IconCalendarTime,
    label: (t) => t('common:nav.plans'),
    Screen: lazy(() => import('../screens/plans/PlansScreen')),
  },
  {
    id: 'channels',
    icon: IconBell,
    label: (t) => t('common:nav.channels'),
    Screen: lazy(() => import('../screens/channels/ChannelsScreen')),
  },
  {
    id: 'security',
    icon: IconShieldLock,
    label: (t) => t('common:nav.security'),
    Screen: lazy(() => import('../screens/security/SecurityScreen')),
  },
  {
    id: 'backup',
    icon: IconCloudUpload,
    label: (t) => t('common:nav.backup'),
    Screen: lazy(() => import('../screens/backup/BackupScreen')),
  },
  {
    id: 'activity',
    icon: IconActivity,
    label: (t) => t('common:nav.activity'),
    Screen: lazy(() => import('../screens/activity/ActivityScreen')),
  },
];

export const DEFAULT_SCREEN = 'dashboard';

export function findRoute(id: string): ScreenRoute {
  return ROUTES.find((r) => r.id === id) ?? ROUTES[0]!;
}
