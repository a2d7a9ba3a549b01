// Thin adapters from Electron objects to the interfaces the shell's logic takes. No decisions here:
// everything that decides something lives in a plain module with its own tests.
import { Menu, Notification, nativeImage, type NativeImage, type Tray } from 'electron';
import { trayIconBitmap } from './tray-icon.js';
import type { TrayAction, TrayMenuItem } from './tray-menu.js';
import type { NotificationFactory, TrayView } from './tray-notifier.js';

const ICON_PX = 32;

export function trayIcon(level: number): NativeImage {
  // 16 pt at 2x: sharp on high-DPI screens, the usual size elsewhere.
  return nativeImage.createFromBitmap(trayIconBitmap(level, ICON_PX), {
    width: ICON_PX,
    height: ICON_PX,
    scaleFactor: 2,
  });
}

export function electronTrayView(tray: Tray, onAction: (action: TrayAction) => void): TrayView {
  return {
    setTooltip: (text) => tray.setToolTip(text),
    setLevel: (level) => tray.setImage(trayIcon(level)),
    setMenu: (items: TrayMenuItem[]) =>
      tray.setContextMenu(
        Menu.buildFromTemplate(
          items.map((item) => {
            if (item.kind === 'separator') return { type: 'separator' as const };
            if (item.kind === 'label') return { label: item.label, enabled: false };
            return { label: item.label, enabled: item.enabled, click: () => onAction(item.action) };
          }),
        ),
      ),
  };
}

export const electronNotifications: NotificationFactory = {
  isSupported: () => Notification.isSupported(),
  create(spec, handlers) {
    const notification = new Notification({
      title: spec.title,
      body: spec.body,
      actions: spec.actionLabel === null ? [] : [{ type: 'button', text: spec.actionLabel }],
      urgency: spec.urgency,
      timeoutType: 'never',
    });
    notification.on('action', () => handlers.onAction());
    notification.on('click', () => handlers.onClick());
    notification.on('close', () => handlers.onClose());
    notification.on('failed', (_event, error) => handlers.onFailed(error));
    return notification;
  },
};
