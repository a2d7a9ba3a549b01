/**
 * (7) The headless runner, as a child process (`node bin/afterword.js serve --port 0`) on a vault
 * of `messages` messages with unattended delivery on (a device key, so the scheduler runs):
 *
 * (a) cold start: spawn → the first `/healthz` 200, median of `coldStarts` spawns;
 * (b) idle: after the owner signed in (an event socket open, as a browser tab would keep it), the
 *     child's RSS (/proc/PID/status VmRSS) and CPU time (/proc/PID/stat utime + stime) at the start
 *     and the end of an idle window;
 * (c) RPC round trip of `messages.list` (first page) over the WebSocket, against router.call on an
 *     AppCore in this process over the same vault, `rpcCalls` sequential calls each.
 *
 * The child runs the compiled CLI (dist/), like `afterword bench` itself.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { createRouter } from '../../core/api/router.js';
import { initializeVaultContent } from '../../core/engine.js';
import { createVaultServices } from '../../core/services.js';
import { Vault } from '../../core/vault/vault.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { systemClock } from '../../node/system-clock.js';
import { MB, median, nowMs, percentile } from './stats.js';
import { BENCH_PASSWORD, SETUP_SCRYPT, makeBody } from './write-bench.js';
import { AppCore } from '../../core/api/app-core.js';
import {
  findRepoRoot,
  childEnv,
  httpGet,
  httpPostJson,
  serve,
  stop,
  clockTicksPerSecond,
  sampleProcess,
  type Served,
} from './runner-process.js';

export interface RunnerSizes {
  messages: number;
  bodyBytes: number;
  coldStarts: number;
  idleWindowMs: number;
  rpcCalls: number;
  rpcWarmup: number;
  listLimit: number;
}

export interface RunnerResult {
  coldStartMedianMs: number;
  idle: { rssStartBytes: number; rssEndBytes: number; cpuMs: number; windowMs: number; cpuPercent: number };
  ws: { medianMs: number; p90Ms: number };
  inProcess: { medianMs: number; p90Ms: number };
  checks: {
    runnerSetupS: number;
    runnerColdStartRunsMs: number[];
    /** Spawn → the URL printed by `serve` (listening), per run. */
    runnerListeningRunsMs: number[];
    /** /healthz once signed in: the scheduler loop was running during the idle window. */
    runnerSchedulerRunning: boolean;
    runnerRssPeakMB: number;
    runnerRssSamples: number;
    runnerClockTicksPerS: number;
    runnerWsListTotal: number;
    runnerWsListItems: number;
    runnerInProcessListTotal: number;
    runnerInProcessListItems: number;
    /** SIGTERM → exit of each child, and their exit codes (0: stopped cleanly). */
    runnerStopMs: number[];
    runnerExitCodes: number[];
  };
}

const SETTLE_MS = 1000;
const RSS_SAMPLE_EVERY_MS = 1000;

interface SocketRpc {
  call(method: string, input: unknown): Promise<{ ok: boolean; data?: unknown; code?: string }>;
  close(): Promise<void>;
}

function openSocket(port: number, cookie: string): Promise<SocketRpc> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, { headers: { cookie } });
  const waiting = new Map<string, (reply: { ok: boolean; data?: unknown; code?: string }) => void>();
  let next = 0;
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { id?: string; reply?: { ok: boolean } };
    if (frame.id === undefined || !frame.reply) return; // an event
    const resolve = waiting.get(frame.id);
    waiting.delete(frame.id);
    resolve?.(frame.reply);
  });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`the event socket was refused: HTTP ${res.statusCode}`)),
    );
    ws.once('open', () =>
      resolve({
        call(method, input) {
          const id = `b${++next}`;
          return new Promise((done, failed) => {
            if (ws.readyState !== WebSocket.OPEN) return failed(new Error('the socket is closed'));
            waiting.set(id, done);
            ws.send(JSON.stringify({ id, method, input }));
          });
        },
        close: () =>
          new Promise((done) => {
            if (ws.readyState === WebSocket.CLOSED) return done();
            ws.once('close', () => done());
            ws.close(1000);
          }),
      }),
    );
  });
}

async function timeCalls(calls: number, warmup: number, once: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = nowMs();
    await once();
    times.push(nowMs() - start);
  }
  return times;
}

// ---------------------------------------------------------------------------------------------

/** A vault of `sizes.messages` messages to one recipient, with unattended delivery on (a device key). */
export async function makeRunnerVault(
  vaultDir: string,
  keyDir: string,
  sizes: Pick<RunnerSizes, 'messages' | 'bodyBytes'>,
): Promise<void> {
  const { vault } = await Vault.create(vaultDir, BENCH_PASSWORD, { clock: systemClock, scrypt: SETUP_SCRYPT });
  try {
    const services = createVaultServices(vault, systemClock);
    const body = makeBody(sizes.bodyBytes);
    // Setup speed only: one outer transaction, the repo calls become savepoints inside it.
    vault.db.q.transaction(() => {
      initializeVaultContent(services);
      const planId = services.plans.defaultPlanId()!;
      const recipient = services.recipients.add({ type: 'email', name: 'Kin', contact: 'kin@example.org' }).id;
      for (let i = 0; i < sizes.messages; i++) {
        services.messages.create({ title: `Benchmark message ${i}`, body, recipientIds: [recipient], planId });
      }
    });
    await vault.enableDeviceKey(new FileKeyStore(keyDir));
  } finally {
    await vault.close();
  }
}

export async function runnerBench(
  tmp: string,
  sizes: RunnerSizes,
  progress: (line: string) => void,
): Promise<RunnerResult> {
  const root = findRepoRoot();
  const bin = join(root, 'bin', 'afterword.js');
  if (!existsSync(join(root, 'dist', 'electron', 'apps', 'cli', 'main.js')))
    throw new Error('the CLI is not built (dist/ is missing): run npx tsc -b first');
  const vaultDir = join(tmp, 'vault-runner');
  const keyDir = join(tmp, 'keys-runner');
  const setupStart = nowMs();
  await makeRunnerVault(vaultDir, keyDir, sizes);
  const runnerSetupS = (nowMs() - setupStart) / 1000;
  progress(`  vault of ${sizes.messages} messages, unattended delivery on (setup ${runnerSetupS.toFixed(1)} s)`);
  const env = childEnv(vaultDir, keyDir);
  const ticksPerS = clockTicksPerSecond();

  const stops: { ms: number; code: number }[] = [];
  const coldRuns: number[] = [];
  const listeningRuns: number[] = [];
  let served: Served | null = null;
  try {
    // (a) cold starts; the last child stays up for (b) and (c).
    for (let i = 0; i < sizes.coldStarts; i++) {
      served = await serve(bin, env);
      coldRuns.push(served.healthyMs);
      listeningRuns.push(served.listeningMs);
      progress(`  cold start ${i + 1}/${sizes.coldStarts}: /healthz 200 after ${Math.round(served.healthyMs)} ms`);
      if (i < sizes.coldStarts - 1) {
        stops.push(await stop(served.child));
        served = null;
      }
    }
    const { child, port } = served!;

    // (b) idle, signed in with an event socket open.
    const login = await httpPostJson(port, '/api/rpc/vault.unlock', { password: BENCH_PASSWORD });
    const cookie = login.setCookie.map((c) => c.split(';')[0]!).join('; ');
    if (login.status !== 200 || !cookie)
      throw new Error(`signing in to the runner failed: ${login.status} ${login.body}`);
    const socket = await openSocket(port, cookie);
    const health = JSON.parse((await httpGet(port, '/healthz')).body) as { scheduler?: string };
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    progress(`  idle for ${sizes.idleWindowMs / 1000} s (scheduler ${health.scheduler ?? 'unknown'})`);
    const first = sampleProcess(child.pid!, ticksPerS);
    const windowStart = nowMs();
    let peak = first.rssBytes;
    let samples = 1;
    while (nowMs() - windowStart < sizes.idleWindowMs) {
      await new Promise((r) =>
        setTimeout(r, Math.min(RSS_SAMPLE_EVERY_MS, sizes.idleWindowMs - (nowMs() - windowStart))),
      );
      const s = sampleProcess(child.pid!, ticksPerS);
      peak = Math.max(peak, s.rssBytes);
      samples++;
    }
    const last = sampleProcess(child.pid!, ticksPerS);
    const windowMs = nowMs() - windowStart;
    const idleCpuMs = last.cpuMs - first.cpuMs;

    // (c) messages.list over the socket.
    progress(`  messages.list({ limit: ${sizes.listLimit} }) over the WebSocket, ${sizes.rpcCalls} calls`);
    let wsPage: { total: number; items: unknown[] } | undefined;
    const wsTimes = await timeCalls(sizes.rpcCalls, sizes.rpcWarmup, async () => {
      const reply = await socket.call('messages.list', { limit: sizes.listLimit });
      if (!reply.ok) throw new Error(`messages.list over the socket failed: ${reply.code}`);
      wsPage = reply.data as { total: number; items: unknown[] };
    });
    await socket.close();
    stops.push(await stop(child));
    served = null;

    // (c) the same call in process, on the same vault (the child has stopped).
    progress(`  messages.list({ limit: ${sizes.listLimit} }) in process (router.call), ${sizes.rpcCalls} calls`);
    const app = new AppCore({ vaultDir, clock: systemClock, keyStore: new FileKeyStore(keyDir), scrypt: SETUP_SCRYPT });
    let localPage: { total: number; items: unknown[] } | undefined;
    let localTimes: number[];
    try {
      await app.unlock(BENCH_PASSWORD);
      const router = createRouter(app);
      const caller = { role: 'owner' as const, transport: 'bench' };
      localTimes = await timeCalls(sizes.rpcCalls, sizes.rpcWarmup, async () => {
        const reply = await router.call('messages.list', { limit: sizes.listLimit }, caller);
        if (!reply.ok) throw new Error(`messages.list in process failed: ${reply.code}`);
        localPage = reply.data as { total: number; items: unknown[] };
      });
    } finally {
      await app.close();
    }

    return {
      coldStartMedianMs: median(coldRuns),
      idle: {
        rssStartBytes: first.rssBytes,
        rssEndBytes: last.rssBytes,
        cpuMs: idleCpuMs,
        windowMs,
        cpuPercent: (idleCpuMs / windowMs) * 100,
      },
      ws: { medianMs: median(wsTimes), p90Ms: percentile(wsTimes, 0.9) },
      inProcess: { medianMs: median(localTimes), p90Ms: percentile(localTimes, 0.9) },
      checks: {
        runnerSetupS,
        runnerColdStartRunsMs: coldRuns,
        runnerListeningRunsMs: listeningRuns,
        runnerSchedulerRunning: health.scheduler === 'running',
        runnerRssPeakMB: peak / MB,
        runnerRssSamples: samples + 1,
        runnerClockTicksPerS: ticksPerS,
        runnerWsListTotal: wsPage?.total ?? -1,
        runnerWsListItems: wsPage?.items.length ?? -1,
        runnerInProcessListTotal: localPage?.total ?? -1,
        runnerInProcessListItems: localPage?.items.length ?? -1,
        runnerStopMs: stops.map((s) => s.ms),
        runnerExitCodes: stops.map((s) => s.code),
      },
    };
  } finally {
    if (served) served.child.kill('SIGKILL');
  }
}
