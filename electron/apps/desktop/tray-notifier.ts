import type { Logger } from '../../core/ports/logger.js';
import type { DesktopPrompt, Notifier } from '../../core/ports/notifier.js';
import { buildTrayMenu, type TrayMenuItem, type TrayState } from './tray-menu.js';

/** The tray icon as the logic sees it (the Electron Tray adapter implements it). */
export interface TrayView {
  setTooltip(text: string): void;
  setMenu(items: TrayMenuItem[]): void;
  /** 0 = all quiet, 1..5 = warning level; the adapter picks the icon. */
  setLevel(level: number): void;
}

export interface NotificationHandlers {
  /** The "I'm here" button was pressed. */
  onAction(): void;
  /** The notification body was clicked. */
  onClick(): void;
  onClose(): void;
  onFailed(error: string): void;
}

export interface NotificationSpec {
  title: string;
  body: string;
  /** The "I'm here" button; null for a notice, which asks nothing. */
  actionLabel: string | null;
  urgency: 'normal' | 'critical';
}

/** Makes native notifications (the adapter wraps Electron's Notification). */
export interface NotificationFactory {
  isSupported(): boolean;
  create(spec: NotificationSpec, handlers: NotificationHandlers): { show(): void; close(): void };
}

/** Holds what the tray shows and redraws it; a warning can raise the level before the next status read. */
export class TrayPresenter {
  private state: TrayState = {
    vaultExists: false,
    uiUnlocked: false,
    watching: false,
    notWatchingReason: 'starting',
    level: 0,
    nextEvent: null,
    problems: 0,
  };

  constructor(
    private readonly view: TrayView,
    private readonly now: () => number,
  ) {}

  get current(): TrayState {
    return this.state;
  }

  show(state: TrayState): void {
    this.state = state;
    const model = buildTrayMenu(state, this.now());
    this.view.setLevel(model.level);
    this.view.setTooltip(model.tooltip);
    this.view.setMenu(model.items);
  }

  /** A passing state with nothing to choose (quitting): the text, and only that, in tooltip and menu. */
  showBusy(text: string): void {
    this.view.setTooltip(`Afterword: ${text}`);
    this.view.setMenu([{ kind: 'label', label: text }]);
  }

  /** A warning was just issued: show at least its level until the next full status read. */
  raiseTo(level: number): void {
    if (level > this.state.level) this.show({ ...this.state, level });
  }
}

export interface TrayNotifierDeps {
  /** Records the prompt durably first (PromptNotifier); the native part is best effort on top. */
  inner: Notifier;
  notifications: NotificationFactory;
  tray: TrayPresenter;
  onImHere(): Promise<void>;
  onOpen(): void;
  /**
   * Whether the notification's "I'm here" button works here (notificationButtonsWork). Where it
   * does not, the button is left out and a click on the notification calls `offerCheckIn`.
   */
  actionButtons: boolean;
  /** Asks "I'm here?" without the password (a check-in is not a secret operation), as the tray does. */
  offerCheckIn(prompt: DesktopPrompt): void;
  log: Logger;
}

/**
 * Notification buttons exist on Windows, and on macOS only in a signed build whose notifications
 * use the alert style (build/electron-builder.yml); not on Linux through Electron.
 */
export function notificationButtonsWork(platform: NodeJS.Platform, packaged: boolean): boolean {
  if (platform === 'win32') return true;
  return platform === 'darwin' && packaged;
}

export const IM_HERE = "I'm here";

/**
 * Shows a prompt natively: a warning or a test with an "I'm here" button (a warning also raises the
 * tray's level); a notice without one.
 */
export class TrayNotifier implements Notifier {
  private shown: { close(): void } | null = null;

  constructor(private readonly deps: TrayNotifierDeps) {}

  async notify(prompt: DesktopPrompt): Promise<void> {
    // If recording fails, the outbox retries the warning: let the error through.
    await this.deps.inner.notify(prompt);
    try {
      if (prompt.kind === 'warning') this.deps.tray.raiseTo(prompt.level);
    } catch (error) {
      this.deps.log.warn('tray update failed', { error: (error as Error).message });
    }
    try {
      this.showNative(prompt);
    } catch (error) {
      // Recorded and in the tray already; a missing notification daemon must not make it retry.
      this.deps.log.warn('native notification failed', { error: (error as Error).message });
    }
  }

  private showNative(prompt: DesktopPrompt): void {
    if (!this.deps.notifications.isSupported()) {
      this.deps.log.info('native notifications are not supported here; the prompt is in the tray and the app');
      return;
    }
    this.shown?.close();
    const asks = prompt.kind !== 'notice';
    const notification = this.deps.notifications.create(
      {
        title: prompt.title,
        body: prompt.body,
        actionLabel: asks && this.deps.actionButtons ? IM_HERE : null,
        urgency: prompt.kind === 'warning' && prompt.level >= 3 ? 'critical' : 'normal',
      },
      {
        onAction: () => {
          notification.close();
          this.deps
            .onImHere()
            .catch((error: unknown) =>
              this.deps.log.error('check-in from the notification failed', { error: (error as Error).message }),
            );
        },
        onClick: () => {
          if (asks && !this.deps.actionButtons) this.deps.offerCheckIn(prompt);
          else this.deps.onOpen();
        },
        onClose: () => {
          if (this.shown === notification) this.shown = null;
        },
        onFailed: (error) => this.deps.log.warn('native notification failed', { error }),
      },
    );
    // Kept referenced until closed: a collected notification loses its click handlers.
    this.shown = notification;
    notification.show();
  }
}
