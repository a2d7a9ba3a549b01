/**
 * (8) The Messages screen in a real browser: `afterword serve` on a vault of `messages` messages,
 * Debian's Chromium driven by playwright-core, the owner signing in through the unlock form at
 * `#/messages`. Each of `runs` page loads (the first through the unlock form, the others reloads
 * with the session cookie) measures:
 *
 * (a) first screen: the first messages.list response's end (resource timing) → every row in view
 *     painted with its data (the renderer's 'messages:painted' mark);
 * (b) row elements in the DOM at the first screen, scrolled to the end and to the middle: the list
 *     is virtualized, so this stays near the rows in view whatever the total;
 * (c) far scroll: scrollTop to the end → the last rows painted, their page fetched on the way.
 *
 * No Chromium at /usr/bin/chromium (or no playwright-core, or no built UI): the section is skipped
 * with the reason and the rest of the bench goes on.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { figure, formatNumber, type Figure } from './report.js';
import { makeRunnerVault } from './runner-bench.js';
import { childEnv, findRepoRoot, serve, stop, type Served } from './runner-process.js';
import { median, nowMs } from './stats.js';
import {
  listPainted,
  readDataArrival,
  readScreen,
  scrollList,
  SCROLLER,
  type FirstScreen,
  type ListScreen,
} from './ui-list-page.js';
import { BENCH_PASSWORD } from './write-bench.js';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const VIEWPORT = { width: 1280, height: 800 };
/** Any one step (sign-in and first screen, a scroll) gives up after this long. */
const STEP_TIMEOUT_MS = 60_000;
const ROWS_GOAL = 60;

export interface UiListSizes {
  messages: number;
  bodyBytes: number;
  runs: number;
}

export const UI_LIST_FIGURE_IDS = [
  'ui.firstScreen',
  'ui.firstScreenFirstLoad',
  'ui.rowsFirstScreen',
  'ui.rowsMiddle',
  'ui.rowsEnd',
  'ui.farScroll',
] as const;
export type UiListFigureId = (typeof UI_LIST_FIGURE_IDS)[number];

export interface UiListChecks {
  uiListSetupS: number;
  /** aria-setsize of the list: the messages it holds. */
  uiListTotal: number;
  uiListViewportRows: number;
  uiListFirstScreenRunsMs: number[];
  /** 'messages:data' → painted: the first screen without the response's parsing. */
  uiListDataToPaintRunsMs: number[];
  uiListFarScrollRunsMs: number[];
  uiListMiddleScrollRunsMs: number[];
  /** Rows in the DOM per run: first screen, end, middle. */
  uiListRowsFirstScreen: number[];
  uiListRowsEnd: number[];
  uiListRowsMiddle: number[];
  /** The last row in the DOM after scrolling to the end (= total when the end was reached). */
  uiListLastRowAtEnd: number;
  /** The first screen fell back to the 'messages:data' mark (no resource timing entry). */
  uiListFromDataMark: boolean;
  uiListRunnerExitCode: number;
}

export type UiListOutcome =
  { skipped: string } | { skipped: null; figures: Record<UiListFigureId, Figure>; checks: UiListChecks };

/** Why the section cannot run here, or null. */
async function missing(root: string): Promise<string | null> {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium)`;
  if (!existsSync(join(root, 'dist', 'renderer', 'index.html')))
    return 'the web UI is not built (dist/renderer): run npm run build';
  try {
    await import('playwright-core');
  } catch {
    return 'playwright-core is not installed (a dev dependency)';
  }
  return null;
}

interface RunResult {
  first: FirstScreen;
  end: ListScreen;
  farScrollMs: number;
  middle: ListScreen;
  middleScrollMs: number;
}

async function waitPainted(page: Page, what: string): Promise<void> {
  try {
    await page.waitForFunction(listPainted, undefined, { timeout: STEP_TIMEOUT_MS });
  } catch (error) {
    throw new Error(`the messages list never painted ${what} within ${STEP_TIMEOUT_MS / 1000} s (${page.url()})`, {
      cause: error,
    });
  }
}

/** Scrolls to `fraction` of the list and waits until the rows there are painted with their data. */
async function scrollAndRead(page: Page, fraction: number, what: string): Promise<{ screen: ListScreen; ms: number }> {
  const start = await page.evaluate(scrollList, { scroller: SCROLLER, fraction });
  await waitPainted(page, what);
  const screen = await page.evaluate(readScreen, SCROLLER);
  if (screen.busyRows > 0) throw new Error(`${screen.busyRows} rows still loading once ${what} was marked painted`);
  return { screen, ms: screen.paintedAt - start };
}

async function oneRun(page: Page, url: string, signIn: boolean): Promise<RunResult> {
  if (signIn) {
    await page.goto(url);
    const password = page.locator('input[type="password"]');
    await password.waitFor({ timeout: STEP_TIMEOUT_MS });
    await password.fill(BENCH_PASSWORD);
    await password.press('Enter');
  } else {
    await page.reload();
  }
  await waitPainted(page, 'its first screen');
  const first = { ...(await page.evaluate(readScreen, SCROLLER)), ...(await page.evaluate(readDataArrival)) };
  if (first.dataPage !== 0) throw new Error(`the first screen's data was list page ${first.dataPage}, not 0`);
  const end = await scrollAndRead(page, 1, 'the end of the list');
  const middle = await scrollAndRead(page, 0.5, 'the middle of the list');
  return { first, end: end.screen, farScrollMs: end.ms, middle: middle.screen, middleScrollMs: middle.ms };
}

function figures(sizes: UiListSizes, runs: RunResult[], fromDataMark: boolean): Record<UiListFigureId, Figure> {
  const s = `8. Messages screen in Chromium, ${formatNumber(sizes.messages)} messages via afterword serve (median of ${runs.length} load${runs.length === 1 ? '' : 's'})`;
  const since = fromDataMark ? "'messages:data' mark" : 'list response';
  const firstScreenMs = runs.map((r) => r.first.paintedAt - (fromDataMark ? r.first.dataAt : r.first.responseEndAt!));
  const rowsGoal = { op: '<', value: ROWS_GOAL } as const;
  const most = (rows: (r: RunResult) => number): number => Math.max(...runs.map(rows));
  return {
    'ui.firstScreen': figure(s, `first screen: ${since} → rows painted`, median(firstScreenMs), 'ms', {
      op: '<',
      value: 500,
    }),
    'ui.firstScreenFirstLoad': figure(s, 'same, the load right after signing in', firstScreenMs[0]!, 'ms'),
    'ui.rowsFirstScreen': figure(
      s,
      `rows in the DOM at the first screen (of ${formatNumber(sizes.messages)})`,
      most((r) => r.first.rows),
      'rows',
      rowsGoal,
    ),
    'ui.rowsMiddle': figure(
      s,
      'rows in the DOM, scrolled to the middle',
      most((r) => r.middle.rows),
      'rows',
      rowsGoal,
    ),
    'ui.rowsEnd': figure(
      s,
      'rows in the DOM, scrolled to the end',
      most((r) => r.end.rows),
      'rows',
      rowsGoal,
    ),
    'ui.farScroll': figure(
      s,
      'scroll top → end, last rows painted (page fetch included)',
      median(runs.map((r) => r.farScrollMs)),
      'ms',
    ),
  };
}

export async function uiListBench(
  tmp: string,
  sizes: UiListSizes,
  progress: (line: string) => void,
): Promise<UiListOutcome> {
  const root = findRepoRoot();
  const why = await missing(root);
  if (why) {
    progress(`  skipped: ${why}`);
    return { skipped: why };
  }
  const { chromium } = await import('playwright-core');
  const dir = await mkdtemp(join(tmp, 'ui-list-'));
  let served: Served | null = null;
  let browser: Browser | null = null;
  try {
    const vaultDir = join(dir, 'vault');
    const keyDir = join(dir, 'keys');
    const setupStart = nowMs();
    await makeRunnerVault(vaultDir, keyDir, sizes);
    const uiListSetupS = (nowMs() - setupStart) / 1000;
    progress(`  vault of ${sizes.messages} messages (setup ${uiListSetupS.toFixed(1)} s)`);
    served = await serve(join(root, 'bin', 'afterword.js'), childEnv(vaultDir, keyDir));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US', colorScheme: 'light' });
    const page = await context.newPage();
    const url = `http://127.0.0.1:${served.port}/#/messages`;

    const runs: RunResult[] = [];
    for (let i = 0; i < sizes.runs; i++) {
      const run = await oneRun(page, url, i === 0);
      runs.push(run);
      progress(
        `  load ${i + 1}/${sizes.runs}${i === 0 ? ' (signing in)' : ''}: first screen ${Math.round(run.first.paintedAt - (run.first.responseEndAt ?? run.first.dataAt))} ms ` +
          `with ${run.first.rows} rows, end ${Math.round(run.farScrollMs)} ms with ${run.end.rows}, middle ${Math.round(run.middleScrollMs)} ms with ${run.middle.rows}`,
      );
    }
    const fromDataMark = runs.some((r) => r.first.responseEndAt === null);
    const checks: UiListChecks = {
      uiListSetupS,
      uiListTotal: runs[0]!.first.total,
      uiListViewportRows: runs[0]!.first.viewportRows,
      uiListFirstScreenRunsMs: runs.map(
        (r) => r.first.paintedAt - (fromDataMark ? r.first.dataAt : r.first.responseEndAt!),
      ),
      uiListDataToPaintRunsMs: runs.map((r) => r.first.paintedAt - r.first.dataAt),
      uiListFarScrollRunsMs: runs.map((r) => r.farScrollMs),
      uiListMiddleScrollRunsMs: runs.map((r) => r.middleScrollMs),
      uiListRowsFirstScreen: runs.map((r) => r.first.rows),
      uiListRowsEnd: runs.map((r) => r.end.rows),
      uiListRowsMiddle: runs.map((r) => r.middle.rows),
      uiListLastRowAtEnd: Math.min(...runs.map((r) => r.end.lastRow)),
      uiListFromDataMark: fromDataMark,
      uiListRunnerExitCode: -1,
    };
    if (checks.uiListTotal !== sizes.messages)
      throw new Error(`the list holds ${checks.uiListTotal} messages, not ${sizes.messages}`);
    await browser.close();
    browser = null;
    checks.uiListRunnerExitCode = (await stop(served.child)).code;
    served = null;
    return { skipped: null, figures: figures(sizes, runs, fromDataMark), checks };
  } finally {
    await browser?.close().catch(() => undefined);
    if (served) await stop(served.child);
    await rm(dir, { recursive: true, force: true });
  }
}

/** The report's footer line for the section: per-load figures behind the medians, or why it was skipped. */
export function uiListLine(outcome: UiListOutcome): string {
  if (outcome.skipped !== null) return `ui list: skipped: ${outcome.skipped}`;
  const c = outcome.checks;
  const ms = (values: readonly number[]): string => values.map((v) => Math.round(v)).join('/');
  return (
    `ui list: ${formatNumber(c.uiListTotal)} messages, ${c.uiListViewportRows} rows fit the view (${VIEWPORT.width}×${VIEWPORT.height}); ` +
    `per load: first screen ${ms(c.uiListFirstScreenRunsMs)} ms (data mark → painted ${ms(c.uiListDataToPaintRunsMs)}), ` +
    `far scroll ${ms(c.uiListFarScrollRunsMs)} ms, to the middle ${ms(c.uiListMiddleScrollRunsMs)} ms; ` +
    `rows in the DOM first/end/middle ${c.uiListRowsFirstScreen.map((r, i) => `${r}/${c.uiListRowsEnd[i]}/${c.uiListRowsMiddle[i]}`).join(', ')}; ` +
    `last row at the end #${c.uiListLastRowAtEnd}; runner exit code ${c.uiListRunnerExitCode}; setup ${c.uiListSetupS.toFixed(1)} s`
  );
}
