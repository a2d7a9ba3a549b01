import { resolve } from 'node:path';
import { AppCore } from '../../../core/api/app-core.js';
import { BadRequestError } from '../../../core/errors.js';
import { loadStandby } from '../../../core/standby/standby-setup.js';
import { StandbyRunner } from '../../../core/standby/standby-runner.js';
import { StandbyUnsupportedServerError } from '../../../core/standby/standby-errors.js';
import { Vault } from '../../../core/vault/vault.js';
import { s3ObjectStores } from '../../../node/lazy-s3-object-store.js';
import { createStderrLogger } from '../../../node/stderr-logger.js';
import { SwitchingKeyStore } from '../../runner/keyring-retry.js';
import { startRunner } from '../../runner/server.js';
import type { CliContext } from '../cli-context.js';
import { holdVault } from '../hold-vault.js';
import { DEFAULT_RENDERER_DIR, listenFailure, runnerClock } from './serve-options.js';

export interface StandbyServeOptions {
  host: string;
  port: number;
  publicUrl?: string;
  rendererDir?: string;
  leaseTtlMs?: number;
}

function stopSignal(): Promise<string> {
  return new Promise<string>((done) => {
    process.once('SIGINT', () => done('SIGINT'));
    process.once('SIGTERM', () => done('SIGTERM'));
  });
}

/**
 * `afterword serve --standby`: the runner of a standby machine. Its folder (--vault) is the one
 * `standby init` made: it follows the primary's backups into `follow/`, and only once the primary
 * has been silent for the lease TTL plus a margin does it run the vault itself (StandbyRunner).
 * The HTTP server runs throughout (/healthz shows the standby's state); no vault is ever created here.
 */
export async function serveStandby(ctx: CliContext, opts: StandbyServeOptions): Promise<void> {
  const dir = ctx.vaultDir;
  const keys = new SwitchingKeyStore(await ctx.deviceKeyStore());
  const standby = await loadStandby(dir, keys);
  if (!standby) {
    throw new BadRequestError(
      Vault.exists(dir)
        ? `${dir} holds a vault, not a standby: run afterword serve without --standby there`
        : `${dir} is not a standby folder: run afterword --vault ${dir} standby init first`,
    );
  }
  const { clock, allowFakeClock } = runnerClock(ctx);
  const stopped = stopSignal();
  const logger = createStderrLogger('runner', { format: 'text', minLevel: ctx.options.debug ? 'debug' : 'info' });
  const { scrypt, marks } = ctx.vaultDeps();
  const runnerOfStandby = new StandbyRunner({
    dir,
    standby,
    clock,
    keyStore: keys,
    marks,
    stores: s3ObjectStores,
    logger: logger.child('standby'),
    ttlMs: opts.leaseTtlMs,
  });
  try {
    await runnerOfStandby.probe();
  } catch (error) {
    await runnerOfStandby.close();
    if (error instanceof StandbyUnsupportedServerError) throw error;
    // Not reachable now: asked again on every poll; nothing is followed or taken over meanwhile.
    logger.warn('the bucket could not be reached; trying again on each poll', { error: (error as Error).message });
  }
  const lock = await holdVault(ctx, 'serve');
  // No backups from here (objectStores unset): a copy that took over never pushes into the primary's
  // chain. Every send is claimed in the bucket first, and only while the lease is this standby's.
  const app = new AppCore({
    vaultDir: dir,
    clock,
    keyStore: keys,
    scrypt,
    marks,
    engine: {
      sendGate: runnerOfStandby.gate,
      beforeDrain: () => runnerOfStandby.tickLease(),
      beforePass: () => runnerOfStandby.beforePass(),
    },
  });
  app.onEngine((engine) => void lock.setScheduling(engine !== null).catch(() => undefined));
  const runner = await startRunner({
    app,
    host: opts.host,
    port: opts.port,
    publicUrl: opts.publicUrl,
    rendererDir: resolve(opts.rendererDir ?? DEFAULT_RENDERER_DIR),
    clock,
    allowFakeClock,
    logger,
    standby: { facts: () => runnerOfStandby.facts(), pollNow: () => runnerOfStandby.poll() },
  }).catch(async (error: unknown) => {
    await runnerOfStandby.close();
    await app.close();
    await lock.release();
    throw listenFailure(error, opts.host, opts.port);
  });
  runnerOfStandby.attach({ app, pauseScheduler: () => runner.pauseScheduler() });
  const open = opts.publicUrl ? `${opts.publicUrl}/` : runner.url;
  const { where, fallbackReason } = keys.choice;
  const { config } = standby;
  ctx.out.result(
    {
      url: open,
      listen: runner.url,
      port: runner.port,
      vaultDir: dir,
      keyStore: { backend: keys.backend, where, fallbackReason },
      setupToken: null,
      setupUrl: null,
      standby: { fingerprint: config.fingerprint, leaseTtlMs: runnerOfStandby.timing.ttlMs },
    },
    () =>
      [
        `Afterword standby is running (fingerprint ${config.fingerprint}). Status: ${open}healthz`,
        `Folder: ${dir} (following ${config.endpoint}, bucket ${config.bucket})`,
        `It takes over only once the primary has been silent for ${Math.round(runnerOfStandby.timing.ttlMs / 60_000)} minutes plus a margin.`,
        'Stop with Ctrl-C (or SIGTERM): what is being sent is finished first.',
      ].join('\n'),
  );
  const poll = () => void runnerOfStandby.poll().catch(() => undefined);
  poll();
  const timer = setInterval(poll, runnerOfStandby.pollEveryMs);
  timer.unref();
  const signal = await stopped;
  clearInterval(timer);
  ctx.out.note(`${signal}: stopping, finishing what is in flight…`);
  await runnerOfStandby.close();
  await runner.close();
  await lock.release();
  ctx.out.note('Stopped.');
}
