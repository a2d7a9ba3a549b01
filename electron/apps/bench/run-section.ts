/**
 * `afterword bench --only <section> [--quick] [--json]`: one section of the benchmark on its own,
 * with the same header, table and goal summary as the full run. Only sections that set up their
 * own data can run alone (the list figure, say, reads the vault the write section leaves behind).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_VERSION } from '../../core/vault/vault.js';
import { BadRequestError } from '../../core/errors.js';
import { machineLines, startBenchRun, type BenchSizes, type Machine } from './bench-setup.js';
import { goalSummary, renderTable, type Figure, type GoalSummary } from './report.js';
import type { BenchOptions } from './run-benchmarks.js';
import { nowMs } from './stats.js';
import { uiListBench, uiListLine } from './ui-list-bench.js';
import { mailBench } from './mail-bench.js';
import { mailBenchSizes, mailFigures, mailProgressLine } from './mail-figures.js';
import { backupBench, backupLine, backupProgressLine, backupSizes } from './backup-bench.js';
import { cliStartBench, cliStartFigures } from './cli-start-bench.js';

interface SectionRun {
  /** Figures by id; none when the section was skipped. */
  figures: Record<string, Figure>;
  checks: Record<string, number | boolean | string | number[]>;
  footer: string[];
}

type Section = (sizes: BenchSizes, progress: (line: string) => void) => Promise<SectionRun>;

const SECTIONS: Record<string, Section> = {
  'ui-list': async (sizes, progress): Promise<SectionRun> => {
    progress(
      `Messages screen in Chromium: ${sizes.uiListMessages} messages via afterword serve (${sizes.uiListRuns} page loads)`,
    );
    const ui = await uiListBench(
      tmpdir(),
      { messages: sizes.uiListMessages, bodyBytes: sizes.bodyBytes, runs: sizes.uiListRuns },
      progress,
    );
    if (ui.skipped !== null) return { figures: {}, checks: { uiListSkipped: ui.skipped }, footer: [uiListLine(ui)] };
    return { figures: ui.figures, checks: { ...ui.checks }, footer: [uiListLine(ui)] };
  },
  mail: async (sizes, progress): Promise<SectionRun> => {
    progress(mailProgressLine(sizes));
    const tmp = await mkdtemp(join(tmpdir(), 'afterword-bench-'));
    try {
      const mail = await mailBench(tmp, mailBenchSizes(sizes), progress);
      const { roundsMs, checks } = mail;
      return {
        figures: mailFigures(sizes, mail),
        checks: {
          ...checks,
          mailOursRoundsMs: roundsMs.ours,
          mailNodemailerRoundsMs: roundsMs.nodemailer,
          mailNodemailerRenderedRoundsMs: roundsMs.nodemailerRendered,
        },
        footer: [],
      };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
  backup: async (sizes, progress): Promise<SectionRun> => {
    progress(backupProgressLine(sizes));
    const tmp = await mkdtemp(join(tmpdir(), 'afterword-bench-'));
    try {
      const run = await backupBench(tmp, backupSizes(sizes), progress);
      if (run.skipped !== null)
        return { figures: {}, checks: { backupSkipped: run.skipped }, footer: [backupLine(run)] };
      return { figures: run.figures, checks: { ...run.checks }, footer: [backupLine(run)] };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
  'cli-start': async (sizes, progress): Promise<SectionRun> => {
    const cliSizes = { runs: sizes.cliRuns, plans: sizes.cliPlans };
    progress(`CLI start: a fresh process per command (median of ${cliSizes.runs}), tick on ${cliSizes.plans} plans`);
    const tmp = await mkdtemp(join(tmpdir(), 'afterword-bench-'));
    try {
      const cli = await cliStartBench(tmp, cliSizes, progress);
      return { figures: cliStartFigures(cliSizes, cli), checks: cli.checks, footer: [] };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
};

export const SECTION_NAMES = Object.keys(SECTIONS);

export interface SectionResult {
  benchmark: 'afterword';
  appVersion: string;
  section: string;
  quick: boolean;
  startedAt: string;
  durationS: number;
  machine: Machine;
  sizes: BenchSizes;
  figures: Record<string, Figure>;
  goals: GoalSummary<string>;
  checks: Record<string, number | boolean | string | number[]>;
}

export async function runBenchSection(name: string, options: BenchOptions): Promise<SectionResult> {
  const section = Object.hasOwn(SECTIONS, name) ? SECTIONS[name] : undefined;
  if (!section)
    throw new BadRequestError(`no bench section "${name}" runs on its own (sections: ${SECTION_NAMES.join(', ')})`);
  const { out, progress, sizes, startedAt, started, host } = startBenchRun(options, `afterword bench --only ${name}`);
  const run = await section(sizes, progress);
  host.loadAverage.end = loadavg()[0] ?? 0;
  const result: SectionResult = {
    benchmark: 'afterword',
    appVersion: APP_VERSION,
    section: name,
    quick: options.quick,
    startedAt: startedAt.toISOString(),
    durationS: (nowMs() - started) / 1000,
    machine: host,
    sizes,
    figures: run.figures,
    goals: goalSummary(run.figures),
    checks: run.checks,
  };
  if (options.json) {
    out(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const { goals } = result;
    out(
      renderTable(
        {
          title: `Afterword ${APP_VERSION} benchmark, section ${name}${options.quick ? ' (--quick)' : ''}`,
          lines: [...machineLines(host), `node ${host.node}`],
        },
        Object.values(run.figures),
        [
          `goals: ${goals.passed}/${goals.total} met${goals.failed.length ? ` (failed: ${goals.failed.join(', ')})` : ''}, ${result.durationS.toFixed(1)} s in all`,
          ...run.footer,
        ],
      ),
    );
  }
  return result;
}
