import { holdVault } from '../hold-vault.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { BadRequestError } from '../../../core/errors.js';
import type { TokenRole } from '../../../core/repo/tokens.js';
import { createStderrLogger } from '../../../node/stderr-logger.js';
import type { CliContext } from '../cli-context.js';
import { existingId } from '../existing-id.js';
import { isoTime, table } from '../output.js';
import { chooseDeviceKeyStore, FILE_KEY_WARNING } from '../../../node/device-key-store.js';
import { defaultKeyDir } from '../../../core/vault/vault-paths.js';
import { s3ObjectStores } from '../../../node/lazy-s3-object-store.js';
import { retryKeyringUnlock, SwitchingKeyStore } from '../../runner/keyring-retry.js';
import {
  DEFAULT_RENDERER_DIR,
  listenFailure,
  parseLeaseTtl,
  parsePort,
  parsePublicUrl,
  parseSetupToken,
  runnerClock,
} from './serve-options.js';
import type { PrimaryCheckins } from '../../../core/standby/primary-checkins.js';

const KEYRING_RETRY_MS = 60_000;

export function registerServeCommands(program: Command, context: () => CliContext): void {
  program
    .command('serve')
    .description('run headless: the web UI and API over HTTP, and the scheduler on the vault (SIGTERM stops cleanly)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '7420')
    .option('--public-url <url>', 'the URL people (and check-in links in warning e-mails) reach this runner at')
    .option('--renderer-dir <dir>', 'the built web UI (default: dist/renderer)')
    .option(
      '--setup-token <token>',
      'while there is no vault: the one-time token creating it needs (default: a random one, printed; also AFTERWORD_SETUP_TOKEN)',
    )
    .option(
      '--standby',
      "on a standby machine (--vault: the folder of `standby init`): follow the primary's backups, take over only when it has been silent for the lease TTL",
    )
    .option('--lease-ttl <duration>', 'with --standby: how long a lease lasts after its last renewal (default 12h)')
    .action(
      async (opts: {
        host: string;
        port: string;
        publicUrl?: string;
        rendererDir?: string;
        setupToken?: string;
        standby?: boolean;
        leaseTtl?: string;
      }) => {
        const ctx = context();
        const port = parsePort(opts.port);
        const publicUrl = parsePublicUrl(opts.publicUrl);
        const leaseTtlMs = parseLeaseTtl(opts.leaseTtl);
        if (opts.standby) {
          if (opts.setupToken !== undefined)
            throw new BadRequestError('--setup-token is not for --standby: a standby never creates a vault');
          const { serveStandby } = await import('./serve-standby.js');
          return serveStandby(ctx, { host: opts.host, port, publicUrl, rendererDir: opts.rendererDir, leaseTtlMs });
        }
        if (leaseTtlMs !== undefined)
          throw new BadRequestError(
            '--lease-ttl is for serve --standby: the standby chooses the lease TTL (the primary renews well within it)',
          );
        const setupToken =
          parseSetupToken(opts.setupToken, '--setup-token') ??
          parseSetupToken(ctx.env.AFTERWORD_SETUP_TOKEN, 'AFTERWORD_SETUP_TOKEN');
        const { clock, allowFakeClock } = runnerClock(ctx);
        const stopped = new Promise<string>((done) => {
          process.once('SIGINT', () => done('SIGINT'));
          process.once('SIGTERM', () => done('SIGTERM'));
        });
        // Loaded here, not at the top: every other command would pay for the HTTP stack at start-up.
        const { startRunner } = await import('../../runner/server.js');
        const { AppCore } = await import('../../../core/api/app-core.js');
        const { wirePrimaryCheckins } = await import('../../../core/standby/primary-checkins.js');
        const lock = await holdVault(ctx, 'serve');
        const { scrypt, marks, acceptOlderVault } = ctx.vaultDeps();
        const keys = new SwitchingKeyStore(await ctx.deviceKeyStore());
        const logger = createStderrLogger('runner', { format: 'text', minLevel: ctx.options.debug ? 'debug' : 'info' });
        let checkins: PrimaryCheckins | null = null;
        const app = new AppCore({
          vaultDir: ctx.vaultDir,
          clock,
          keyStore: keys,
          scrypt,
          marks,
          acceptOlderVault,
          objectStores: s3ObjectStores,
          engine: { beforePass: () => checkins?.beforePass() ?? Promise.resolve() },
          // With a standby paired, this runner holds the lease before it sends (its warnings are logged).
          primaryRunner: { logger: logger.child('standby') },
        });
        checkins = wirePrimaryCheckins(app, { stores: s3ObjectStores, clock, logger: logger.child('checkins') });
        app.onEngine((engine) => void lock.setScheduling(engine !== null).catch(() => undefined));
        const rendererDir = resolve(opts.rendererDir ?? DEFAULT_RENDERER_DIR);
        const runner = await startRunner({
          app,
          host: opts.host,
          port,
          publicUrl,
          rendererDir,
          clock,
          allowFakeClock,
          setupToken,
          logger,
        }).catch(async (error: unknown) => {
          checkins?.stop();
          await app.close();
          await lock.release();
          throw listenFailure(error, opts.host, port);
        });
        const open = publicUrl ? `${publicUrl}/` : runner.url;
        const { where, fallbackReason } = keys.choice;
        const keyStore = { backend: keys.backend, where, fallbackReason };
        // No vault yet: only whoever can read this console may create it (and see its recovery key).
        const token = runner.setupToken;
        const setupUrl = token ? `${open}?setup=${encodeURIComponent(token)}` : null;
        ctx.out.result(
          {
            url: open,
            listen: runner.url,
            port: runner.port,
            vaultDir: ctx.vaultDir,
            keyStore,
            setupToken: token,
            setupUrl,
          },
          () =>
            [
              setupUrl
                ? `Afterword is running. To create your vault, open this link in your browser (it works until the vault exists):\n\n    ${setupUrl}\n`
                : `Afterword is running. Open ${open} in your browser.`,
              `Vault: ${ctx.vaultDir}${app.exists() ? '' : ' (none yet: create it in the browser with the link above)'}`,
              `Device key for unattended delivery: ${where}${fallbackReason ? ` (no OS key store: ${fallbackReason})` : ''}`,
              ...(fallbackReason ? [`Warning: ${FILE_KEY_WARNING}.`] : []),
              ...(existsSync(resolve(rendererDir, 'index.html'))
                ? []
                : ['The web UI is not built yet: the page shows the runner status only.']),
              'Stop with Ctrl-C (or SIGTERM): what is being sent is finished first.',
            ].join('\n'),
        );
        // A device key recorded in an OS key store that was not there at start: tried again every minute.
        const chooseAgain = () => chooseDeviceKeyStore({ env: ctx.env, keyDir: defaultKeyDir(ctx.env) });
        const retry = setInterval(() => {
          retryKeyringUnlock(app, keys, chooseAgain)
            .then(
              (started) =>
                started && ctx.out.note('The OS key store is available now: unattended delivery is running.'),
            )
            .catch(() => undefined);
        }, KEYRING_RETRY_MS);
        retry.unref();
        const signal = await stopped;
        clearInterval(retry);
        ctx.out.note(`${signal}: stopping, finishing what is in flight…`);
        await runner.close();
        checkins.stop();
        await lock.release();
        ctx.out.note('Stopped.');
      },
    );

  const token = program
    .command('token')
    .description('bearer tokens for the runner: checkin (only "I\'m here") and monitor (status and metrics)');
  token
    .command('add')
    .description('create a token; it is shown only this once')
    .requiredOption('--role <role>', 'checkin | monitor')
    .option('--label <label>', 'what it is for (e.g. "phone shortcut")')
    .action(async (opts: { role: string; label?: string }) => {
      const ctx = context();
      if (opts.role !== 'checkin' && opts.role !== 'monitor')
        throw new BadRequestError('--role must be checkin or monitor');
      const role: TokenRole = opts.role;
      const label = (opts.label ?? `${role} token`).trim();
      if (label.length < 1 || label.length > 100) throw new BadRequestError('--label must be 1 to 100 characters');
      const created = await ctx.withRouter((rpc) => rpc('tokens.create', { role, label }));
      ctx.out.result(created, () =>
        [
          `Token ${created.id} (${role}) created. It is shown only this once:`,
          '',
          `    ${created.token}`,
          '',
          role === 'checkin'
            ? 'Check in with it: curl -X POST -H "Authorization: Bearer TOKEN" URL/api/checkin'
            : 'Read status with it: GET URL/metrics, or POST URL/api/rpc/status.get (Authorization: Bearer TOKEN)',
        ].join('\n'),
      );
    });
  token
    .command('list')
    .description('list tokens (never the tokens themselves)')
    .action(async () => {
      const ctx = context();
      const tokens = await ctx.withRouter((rpc) => rpc('tokens.list', {}));
      ctx.out.result(tokens, () =>
        tokens.length === 0
          ? 'No tokens. Create one: afterword token add --role checkin --label "phone"'
          : table([
              ['ID', 'ROLE', 'LABEL', 'CREATED', 'LAST USED'],
              ...tokens.map((t) => [
                t.id,
                t.role,
                t.label,
                isoTime(t.createdAt),
                t.lastUsedAt ? isoTime(t.lastUsedAt) : 'never',
              ]),
            ]),
      );
    });
  token
    .command('rm <id>')
    .description('revoke a token')
    .action(async (id: string) => {
      const ctx = context();
      await ctx.withRouter((rpc) => rpc('tokens.delete', { id: existingId('token', id) }));
      ctx.out.result({ id, removed: true }, () => `Token ${id} revoked.`);
    });
}
