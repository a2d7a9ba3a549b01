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
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { createRouter } from '../core/api/router.js';
import { initializeVaultContent } from '../core/engine.js';
import { createVaultServices } from '../core/services.js';
import { Vault } from '../core/vault/vault.js';
import { FileKeyStore } from '../node/file-key-store.js';
import { systemClock } from '../node/system-clock.js';
import { MB, median, nowMs, percentile } from './stats.js';
import { BENCH_PASSWORD, SETUP_SCRYPT, makeBody } from './write-bench.js';
import { AppCore } from '../core/api/app-core.js';

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
const START_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// The child

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bin', 'afterword.js')) || !existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find bin/afterword.js above the benchmark');
    dir = parent;
  }
  return dir;
}

function childEnv(vaultDir: string, keyDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('AFTERWORD_') || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  // No password: the device key opens the vault for the scheduler, as on an always-on machine.
  return { ...env, AFTERWORD_VAULT: vaultDir, AFTERWORD_KEY_DIR: keyDir, AFTERWORD_SCRYPT_LOGN: String(SETUP_SCRYPT.logN) };
}

interface Served {
  child: ChildProcess;
  port: number;
  /** Spawn → the URL printed on stdout. */
  listeningMs: number;
  /** Spawn → the first /healthz 200. */
  healthyMs: number;
  stderr: () => string;
}

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

function httpPostJson(port: number, path: string, body: unknown): Promise<{ status: number; setCookie: string[]; body: string }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [], body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function serve(bin: string, env: NodeJS.ProcessEnv): Promise<Served> {
  const started = nowMs();
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  const fail = (why: string): Error => new Error(`afterword serve ${why}\nstdout: ${stdout}\nstderr: ${stderr}`);
  try {
    const { port, listeningMs } = await new Promise<{ port: number; listeningMs: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(fail(`printed no URL within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(fail(`exited early (${signal ?? code})`));
      });
      child.stdout!.on('data', (b: Buffer) => {
        stdout += b.toString('utf8');
        let printed: { port?: unknown };
        try {
          printed = JSON.parse(stdout) as { port?: unknown };
        } catch {
          return; // not all of it yet
        }
        clearTimeout(timer);
        if (typeof printed.port !== 'number') reject(fail('printed no port'));
        else resolve({ port: printed.port, listeningMs: nowMs() - started });
      });
    });
    const deadline = started + START_TIMEOUT_MS;
    for (;;) {
      const health = await httpGet(port, '/healthz').catch(() => null);
      if (health?.status === 200) return { child, port, listeningMs, healthyMs: nowMs() - started, stderr: () => stderr };
      if (nowMs() > deadline) throw fail(`/healthz never answered 200 (last: ${health ? `${health.status} ${health.body}` : 'no answer'})`);
      await new Promise((r) => setTimeout(r, 2));
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** SIGTERM, then the time until the child exited and its exit code (SIGKILL after 15 s: code -1). */
function stop(child: ChildProcess): Promise<{ ms: number; code: number }> {
  const started = nowMs();
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ ms: 0, code: child.exitCode ?? -1 });
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ ms: nowMs() - started, code: code ?? -1 });
    });
    child.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------------------------------------
// RSS and CPU time of the child

function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

interface ProcSample {
  rssBytes: number;
  cpuMs: number;
}

/** Linux: /proc/PID/status (VmRSS) and /proc/PID/stat (utime + stime); elsewhere `ps` (coarser). */
function sampleProcess(pid: number, ticksPerS: number): ProcSample {
  if (existsSync(`/proc/${pid}/stat`)) {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { rssBytes: rssKb * 1024, cpuMs: (ticks * 1000) / ticksPerS };
  }
  const [rss, time] = execFileSync('ps', ['-o', 'rss=', '-o', 'time=', '-p', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/);
  const parts = (time ?? '0').split(/[-:]/).map(Number);
  let seconds = 0;
  for (const part of parts) seconds = seconds * 60 + part;
  return { rssBytes: Number(rss) * 1024, cpuMs: seconds * 1000 };
}

// ---------------------------------------------------------------------------------------------
// RPC over the WebSocket

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
    ws.once('unexpected-response', (_req, res) => reject(new Error(`the event socket was refused: HTTP ${res.statusCode}`)));
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

async function makeVault(vaultDir: string, keyDir: string, sizes: RunnerSizes): Promise<void> {
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

export async function runnerBench(tmp: string, sizes: RunnerSizes, progress: (line: string) => void): Promise<RunnerResult> {
  const root = findRepoRoot();
  const bin = join(root, 'bin', 'afterword.js');
  if (!existsSync(join(root, 'dist', 'electron', 'cli', 'main.js'))) throw new Error('the CLI is not built (dist/ is missing): run npx tsc -b first');
  const vaultDir = join(tmp, 'vault-runner');
  const keyDir = join(tmp, 'keys-runner');
  const setupStart = nowMs();
  await makeVault(vaultDir, keyDir, sizes);
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
    if (login.status !== 200 || !cookie) throw new Error(`signing in to the runner failed: ${login.status} ${login.body}`);
    const socket = await openSocket(port, cookie);
    const health = JSON.parse((await httpGet(port, '/healthz')).body) as { scheduler?: string };
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    progress(`  idle for ${sizes.idleWindowMs / 1000} s (scheduler ${health.scheduler ?? 'unknown'})`);
    const first = sampleProcess(child.pid!, ticksPerS);
    const windowStart = nowMs();
    let peak = first.rssBytes;
    let samples = 1;
    while (nowMs() - windowStart < sizes.idleWindowMs) {
      await new Promise((r) => setTimeout(r, Math.min(RSS_SAMPLE_EVERY_MS, sizes.idleWindowMs - (nowMs() - windowStart))));
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
