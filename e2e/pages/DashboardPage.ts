// The dashboard: the "Are you there?" banner, the check-in card, and one card per plan showing
// its state and warning level.
import type { Locator } from 'playwright-core';
import type { TextKey } from '../support/texts.js';
import { Screen } from './Screen.js';

export type PlanPhase = 'created' | 'scheduled' | 'warning' | 'waiting' | 'triggered' | 'sent' | 'paused' | 'stopped';
export interface PlanShown {
  phase: PlanPhase;
  /** 0: no warning sent in this cycle. */
  level: number;
}

const LEVELS = 5;
/** The dashboard hears changes over its WebSocket and reloads within a second or so. */
const UPDATE_TIMEOUT_MS = 15_000;

export class DashboardPage extends Screen {
  protected readonly title: TextKey = 'dashboard:title';

  /** The big "I'm here" card. */
  checkinCard(): Locator {
    return this.region('dashboard:checkin.title');
  }

  /** The banner of a real warning waiting for an answer ("Afterword is asking: are you there?"). */
  awaitingBanner(): Locator {
    return this.alert('dashboard:awaiting.title');
  }

  /** The banner of a test warning waiting for an answer. */
  testWarningBanner(): Locator {
    return this.alert('dashboard:awaiting.testTitle');
  }

  /** "Finish setting up": shown on every screen until the recovery key is confirmed and an address is set. */
  finishSetupBanner(): Locator {
    return this.page.getByRole('region', { name: this.t('common:setupBanner.title'), exact: true });
  }

  /** The "Sending" card's count of what went out (real warnings and deliveries only). */
  async sentCount(): Promise<string> {
    const card = this.region('dashboard:outbox.title');
    const label = card.getByText(this.t('dashboard:outbox.sent'), { exact: true });
    return ((await label.locator('xpath=preceding-sibling::*[1]').textContent()) ?? '').trim();
  }

  /** The line that counts tests apart, with their outcome. */
  testSends(): Locator {
    return this.region('dashboard:outbox.title').getByTestId('test-sends');
  }

  plan(name: string): Locator {
    return this.page.getByRole('article', { name: this.t('dashboard:plan.label', { name }), exact: true });
  }

  phaseText(phase: PlanPhase): string {
    return this.t(`common:phase.${phase}` satisfies TextKey);
  }

  levelText(level: number): string {
    return level > 0 ? this.t('dashboard:plan.level', { level, total: LEVELS }) : this.t('dashboard:plan.noLevel');
  }

  /** What a plan's card shows now (its state badge, its level indicator's label), for failure messages. */
  async shown(name: string): Promise<{ phase: string; level: string }> {
    const card = this.plan(name);
    const badge = card.locator('.mantine-Badge-root').last();
    const level = await card.getByRole('img').getAttribute('aria-label');
    return { phase: ((await badge.textContent()) ?? '').trim(), level: level ?? '' };
  }

  /** Waits until the plan's card shows `expected`; fails saying what it shows instead. */
  async waitForPlan(name: string, expected: PlanShown): Promise<void> {
    const card = this.plan(name);
    const phase = card.getByText(this.phaseText(expected.phase), { exact: true });
    const level = card.getByRole('img', { name: this.levelText(expected.level), exact: true });
    try {
      await phase.waitFor({ timeout: UPDATE_TIMEOUT_MS });
      await level.waitFor({ timeout: UPDATE_TIMEOUT_MS });
    } catch (error) {
      const now = await this.shown(name).catch(() => ({ phase: '(no card)', level: '' }));
      throw new Error(
        `plan "${name}" should show "${this.phaseText(expected.phase)}" / "${this.levelText(expected.level)}", ` +
          `but shows "${now.phase}" / "${now.level}"`,
        { cause: error },
      );
    }
  }

  /** "I'm here" on the check-in card; resolves once the check-in is confirmed. */
  async checkIn(): Promise<void> {
    await this.clickForRpc(this.button(this.checkinCard(), 'common:checkin.button'), 'checkin');
    await this.alert('common:checkin.doneTitle').first().waitFor();
  }

  /** "I'm here" on the banner of the warning waiting for an answer; resolves once the banner is gone. */
  async answerBanner(banner: Locator): Promise<void> {
    await this.clickForRpc(this.button(banner, 'common:checkin.button'), 'checkin');
    await banner.waitFor({ state: 'detached' });
  }
}
