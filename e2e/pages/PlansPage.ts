// Plans: the list of plans, and the editor (interval, five warning levels, their channels) with
// its live timeline.
import type { Locator } from 'playwright-core';
import type { TextKey } from '../support/texts.js';
import { Screen } from './Screen.js';

export type PlanChannel = 'desktop' | 'email' | 'webhook';
export interface PlanSpec {
  name: string;
  intervalMs: number;
  /** Five levels: how long each waits for an answer, and where its warning goes. */
  levels: { waitMs: number; channels: PlanChannel[] }[];
}

const MINUTE_MS = 60_000;
const UNITS = [
  { unit: 'days', ms: 24 * 60 * MINUTE_MS },
  { unit: 'hours', ms: 60 * MINUTE_MS },
  { unit: 'minutes', ms: MINUTE_MS },
] as const;
const CHANNELS: PlanChannel[] = ['desktop', 'email', 'webhook'];

export class PlansPage extends Screen {
  protected readonly title: TextKey = 'plans:title';

  /** A plan in the list. */
  card(name: string): Locator {
    return this.page.getByRole('article', { name, exact: true });
  }

  private editor(title: string): Locator {
    return this.page.getByRole('region', { name: title, exact: true });
  }

  /** Creates a plan through the editor; resolves once it is in the list. */
  async create(plan: PlanSpec): Promise<void> {
    await this.button(this.page, 'plans:list.new').click();
    const editor = this.editor(this.t('plans:editor.newTitle'));
    await this.textbox(editor, 'plans:editor.name').fill(plan.name);
    await this.setDuration(editor, this.t('plans:editor.interval'), plan.intervalMs);
    for (const [i, level] of plan.levels.entries()) {
      const fieldset = editor.getByRole('group', { name: this.t('plans:level.title', { level: i + 1 }), exact: true });
      await this.setDuration(fieldset, this.t('plans:level.wait'), level.waitMs);
      for (const channel of CHANNELS) {
        await fieldset
          .getByRole('checkbox', { name: this.t(`common:channel.${channel}`), exact: true })
          .setChecked(level.channels.includes(channel));
      }
    }
    await this.clickForRpc(this.button(editor, 'plans:editor.create'), 'plans.create');
    await this.alert('plans:editor.saved', { name: plan.name }).first().waitFor();
    await this.card(plan.name).waitFor();
  }

  /** Opens the editor of a plan in the list. */
  async edit(name: string): Promise<Locator> {
    await this.button(this.card(name), 'plans:list.editLabel', { name }).click();
    const editor = this.editor(this.t('plans:editor.editTitle', { name }));
    await editor.waitFor();
    return editor;
  }

  /** The timeline beside the editor ("If you stopped checking in now"). */
  timeline(): Locator {
    return this.page.getByRole('heading', { name: this.t('plans:timeline.title'), exact: true });
  }

  /** A duration field: the largest unit that shows it whole, then the number. */
  private async setDuration(scope: Locator, label: string, ms: number): Promise<void> {
    const { unit, ms: unitMs } = UNITS.find((u) => ms % u.ms === 0) ?? UNITS[UNITS.length - 1]!;
    await this.choose(this.combobox(scope, 'plans:duration.unitOf', { what: label }), this.t(`plans:duration.${unit}`));
    await scope.getByRole('textbox', { name: label, exact: true }).fill(String(ms / unitMs));
  }
}
