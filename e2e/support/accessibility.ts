// axe-core on the page as it is now; serious and critical violations fail the test, listed in full.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

const BLOCKING = new Set(['serious', 'critical']);

/** The serious or critical violations on the page, one readable line per rule and element. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Only violations are read: axe skips collecting every passing node, which halves its time here.
  // Legacy mode runs axe in the page itself instead of opening a blank page for every check to
  // merge the frames' results in; it reaches same-origin frames only, and the UI has no frames
  // (its CSP says frame-src 'none').
  const { violations } = await new AxeBuilder({ page })
    .options({ resultTypes: ['violations'] })
    .setLegacyMode()
    .analyze();
  return violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .flatMap((v) =>
      v.nodes.map((node) => {
        const detail = [...node.any, ...node.all, ...node.none].map((check) => check.message).join('; ');
        return `[${v.impact}] ${v.id} (${v.help}) at ${node.target.join(' ')}: ${detail}`;
      }),
    );
}
