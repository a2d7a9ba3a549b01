import { existsSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The slowest files (each spawns the CLI, the runner or Chromium dozens of times), slowest first
 * (as measured, one file at a time). Without a results cache (a fresh CI checkout) Vitest starts
 * the largest files first, so a small but slow file would start last and run alone at the end on
 * an otherwise idle worker. Files not named here are all shorter than the last one.
 */
const SLOW_FIRST = [
  'e2e/screens.test.ts',
  'electron/apps/cli/cli.test.ts',
  'electron/apps/cli/engine-cli.test.ts',
  'electron/apps/cli/backup-cli.test.ts',
  'e2e/backup.test.ts',
  'e2e/switch-on.test.ts',
  'e2e/clarity.test.ts',
  'electron/apps/cli/crash-safety.test.ts',
  'electron/apps/cli/command-groups.test.ts',
  'electron/apps/bench/run-benchmarks.test.ts',
  'e2e/unsaved-edits.test.ts',
  'electron/apps/cli/export-cli.test.ts',
  'electron/apps/cli/standby-takeover.test.ts',
  'electron/apps/cli/session-cli.test.ts',
  'electron/core/vault/vault.test.ts',
  'electron/apps/cli/webhook-restrictions.test.ts',
  'electron/core/backup/backup.test.ts',
  'electron/apps/desktop/main.lifecycle.test.ts',
  'e2e/journey.test.ts',
  'electron/apps/cli/standby-cli.test.ts',
];
const gone = SLOW_FIRST.filter((path) => !existsSync(new URL(path, import.meta.url)));
if (gone.length > 0) throw new Error(`vitest.config.ts: SLOW_FIRST names files that do not exist: ${gone.join(', ')}`);

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification): number => {
      const at = SLOW_FIRST.findIndex((path) => file.moduleId.endsWith(`/${path}`));
      return at < 0 ? SLOW_FIRST.length : at;
    };
    return sorted
      .map((file, index) => ({ file, index }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.index - b.index)
      .map(({ file }) => file);
  }
}

/**
 * Test files that a worker runs one after the other without a fresh module graph for each
 * (importing the core again cost more than most of these files' tests): they keep no state
 * between files, each makes its own vaults, servers, clocks and children.
 */
const SHARED_WORKER = [
  'shared/**/*.test.ts',
  'renderer/**/*.test.ts',
  'electron/core/**/*.test.ts',
  'electron/node/**/*.test.ts',
  'electron/tooling/**/*.test.ts',
  'electron/apps/runner/**/*.test.ts',
  'electron/apps/desktop/**/*.test.ts',
  'e2e/**/*.test.ts',
];
/** The CLI's black-box tests: each file in a fresh worker (their helpers keep per-file settings). */
const OWN_WORKER = ['electron/apps/cli/**/*.test.ts', 'electron/apps/bench/**/*.test.ts'];

export default defineConfig({
  test: {
    exclude: ['dist/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: a single one on a 2-core CI machine.
    // Much of a test file's time is spent waiting on its children (the CLI, the runner, Chromium).
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      { extends: true, test: { name: 'shared-worker', include: SHARED_WORKER, isolate: false } },
      { extends: true, test: { name: 'own-worker', include: OWN_WORKER } },
    ],
  },
});
