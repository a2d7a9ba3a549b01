// Every page object of the app over one page, and navigation between the screens.
import { ActivityPage } from './ActivityPage.js';
import { AppShell, type ScreenId } from './AppShell.js';
import { BackupPage } from './BackupPage.js';
import { ChannelsPage } from './ChannelsPage.js';
import { DashboardPage } from './DashboardPage.js';
import { FirstRunPage } from './FirstRunPage.js';
import { MessagesPage } from './MessagesPage.js';
import { PlansPage } from './PlansPage.js';
import { RecipientsPage } from './RecipientsPage.js';
import type { Ui } from './Screen.js';
import { SecurityPage } from './SecurityPage.js';
import { UnlockPage } from './UnlockPage.js';

export class App {
  readonly shell: AppShell;
  readonly firstRun: FirstRunPage;
  readonly unlock: UnlockPage;
  readonly dashboard: DashboardPage;
  readonly messages: MessagesPage;
  readonly recipients: RecipientsPage;
  readonly plans: PlansPage;
  readonly channels: ChannelsPage;
  readonly security: SecurityPage;
  readonly backup: BackupPage;
  readonly activity: ActivityPage;

  constructor(readonly ui: Ui) {
    this.shell = new AppShell(ui);
    this.firstRun = new FirstRunPage(ui);
    this.unlock = new UnlockPage(ui);
    this.dashboard = new DashboardPage(ui);
    this.messages = new MessagesPage(ui);
    this.recipients = new RecipientsPage(ui);
    this.plans = new PlansPage(ui);
    this.channels = new ChannelsPage(ui);
    this.security = new SecurityPage(ui);
    this.backup = new BackupPage(ui);
    this.activity = new ActivityPage(ui);
  }

  /** Follows the navigation to a screen; resolves with its page object once its title is shown. */
  async goTo<S extends ScreenId>(screen: S): Promise<App[S]> {
    await this.shell.goTo(screen);
    const target = this[screen];
    await target.waitUntilShown();
    return target;
  }
}
