import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The slowest files (each spawns the CLI, the runner or Chromium dozens of times), slowest first.
 * Without a results cache (a fresh CI checkout) Vitest starts the largest files first, so a small
 * but slow file would start last and run alone at the end on an otherwise idle worker.
 */
const SLOW_FIRST = [
  'electron/apps/cli/backup-cli.test.ts',
  'electron/apps/cli/engine-cli.test.ts',
  'e2e/screens.test.ts',
  'electron/apps/cli/cli.test.ts',
  'electron/apps/cli/webhook-restrictions.test.ts',
  'electron/apps/desktop/main.lifecycle.test.ts',
];

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

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.ts', 'e2e/**/*.test.ts'],
    exclude: ['dist/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: a single one on a 2-core CI machine.
    // Much of a test file's time is spent waiting on its children (the CLI, the runner, Chromium).
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
  },
});
