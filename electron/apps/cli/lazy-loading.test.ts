import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadedModules, packagesIn, staticClosureInputs } from './test-support/loaded-modules.js';
import { CliVault, TempDirs, describeResult, useWeakTestKdf } from './test-support/run-cli.js';

useWeakTestKdf();
const temp = new TempDirs();
let v: CliVault;

/**
 * What a minute's cron `tick` must not read when nothing is due: mail, the HTTP server, the bucket,
 * the export, and zod (it checks no input: the bundle loads zod at the first schema built).
 */
const NOT_FOR_AN_IDLE_TICK = [
  'nodemailer',
  'standardwebhooks',
  'hono',
  '@hono/node-server',
  '@aws-sdk/client-s3',
  'age-encryption',
  'zod',
];
/** The senders and the backup push: built at the first send or push, which an idle tick has none of. */
const SENDING_AND_PUSHING = [
  '/core/delivery/email-sender.js',
  '/core/delivery/webhook-sender.js',
  '/core/delivery/mail-thread/mail-thread.js',
  '/core/backup/backup-service.js',
];
/**
 * Node's own modules for sending (webhooks, SMTP), which the same tick does not need either, nor
 * child_process (the argument parser's, for sub-commands that are programs: ~13 ms at every start),
 * nor perf_hooks (the clocks read process.hrtime instead).
 */
const NODE_NOT_FOR_AN_IDLE_TICK = ['http', 'https', 'tls', 'dns/promises', 'child_process', 'perf_hooks'];
/**
 * The router, every method's handler and the contract's method table (its schemas): `tick` and
 * `status` read the core directly, as the app's scheduler and the status method do.
 */
const ROUTER_AND_CONTRACT = ['/core/api/router.js', '/core/api/handlers.js', '/shared/contract/methods.js'];
const routerAndContractIn = (files: string[]): string[] =>
  files.filter((file) => ROUTER_AND_CONTRACT.some((end) => file.endsWith(end)));

beforeAll(async () => {
  v = await CliVault.create(temp, 'lazy');
  await v.init();
  await v.json(['unattended', 'enable']);
});
afterAll(() => temp.cleanup());

describe('a command loads only what it uses', () => {
  it('tick with nothing due (unattended, no password) loads no mail, HTTP, S3 or age code', async ({ expect }) => {
    const { result, files, builtins } = await loadedModules(
      ['tick', '--json'],
      v.env({ AFTERWORD_PASSWORD: undefined }),
    );
    expect(result.code, describeResult(result)).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ drain: { attempted: 0 } });
    const packages = packagesIn(files);
    // It did record what a tick needs: the database driver and the query builder.
    expect(packages).toContain('better-sqlite3');
    expect(packages).toContain('kysely');
    for (const name of NOT_FOR_AN_IDLE_TICK) expect(packages, name).not.toContain(name);
    expect(files.filter((file) => file.includes('/apps/runner/'))).toEqual([]);
    expect(files.filter((file) => SENDING_AND_PUSHING.some((end) => file.endsWith(end)))).toEqual([]);
    expect(builtins).toContain('fs');
    for (const name of NODE_NOT_FOR_AN_IDLE_TICK) expect(builtins, name).not.toContain(name);
    // Error texts in every language zod ships are ~300 KB to parse; the contract uses none of them.
    const zodLocales = files.filter((file) => file.includes('node_modules/zod/v4/locales/'));
    expect(zodLocales.filter((file) => !file.endsWith('/en.js'))).toEqual([]);
    expect(routerAndContractIn(files)).toEqual([]);
  });

  it('status loads neither the router nor the contract; a command that calls a method does', async ({ expect }) => {
    const status = await loadedModules(['status', '--json'], v.env({ AFTERWORD_PASSWORD: undefined }));
    expect(status.result.code, describeResult(status.result)).toBe(0);
    expect(JSON.parse(status.result.stdout)).toHaveProperty('plans');
    expect(routerAndContractIn(status.files)).toEqual([]);
    // It reads the owner's settings through their schema: zod does load when used.
    expect(packagesIn(status.files)).toContain('zod');
    const plans = await loadedModules(['plan', 'list', '--json'], v.env());
    expect(plans.result.code, describeResult(plans.result)).toBe(0);
    expect(routerAndContractIn(plans.files).length).toBe(ROUTER_AND_CONTRACT.length);
  });

  it('the same record shows what an export loads (age-encryption): the guard above can fail', async ({ expect }) => {
    const out = join(v.root, 'everything.age');
    const { result, files } = await loadedModules(['export', '--out', out, '--passphrase', '--json'], {
      ...v.env(),
      AFTERWORD_EXPORT_PASSPHRASE: 'a long export passphrase for the test',
    });
    expect(result.code, describeResult(result)).toBe(0);
    expect(packagesIn(files)).toContain('age-encryption');
  });

  it('--help and --version load no command module', async ({ expect }) => {
    for (const args of [['--help'], ['--version']]) {
      const { result, files } = await loadedModules(args, {});
      expect(result.code, describeResult(result)).toBe(0);
      expect(files.filter((file) => file.includes('/commands/'))).toEqual([]);
      expect(packagesIn(files)).not.toContain('kysely');
    }
  });

  it('the password head start loads neither the command parser nor a JavaScript crypto library', ({ expect }) => {
    // What bin/afterword.js loads before the password's scrypt starts: every file in it delays the KDF.
    const inputs = staticClosureInputs('dist/cli/password-head-start.js');
    expect(inputs.some((file) => file.endsWith('/password-head-start.js'))).toBe(true);
    expect(packagesIn(inputs)).toEqual(new Set(['better-sqlite3']));
  });
});
