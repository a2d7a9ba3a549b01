/** The runner benchmark's child process: start `afterword serve`, reach it over HTTP, sample it. */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nowMs } from './stats.js';
import { SETUP_SCRYPT } from './write-bench.js';

export const START_TIMEOUT_MS = 30_000;
// ---------------------------------------------------------------------------------------------
// The child

export function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bin', 'afterword.js')) || !existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find bin/afterword.js above the benchmark');
    dir = parent;
  }
  return dir;
}

export function childEnv(vaultDir: string, keyDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('AFTERWORD_') || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  // No password: the device key opens the vault for the scheduler, as on an always-on machine.
  return {
    ...env,
    AFTERWORD_VAULT: vaultDir,
    AFTERWORD_KEY_DIR: keyDir,
    AFTERWORD_SCRYPT_LOGN: String(SETUP_SCRYPT.logN),
  };
}

export interface Served {
  child: ChildProcess;
  port: number;
  /** Spawn → the URL printed on stdout. */
  listeningMs: number;
  /** Spawn → the first /healthz 200. */
  healthyMs: number;
  stderr: () => string;
}

export function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
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

export function httpPostJson(
  port: number,
  path: string,
  body: unknown,
): Promise<{ status: number; setCookie: string[]; body: string }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            setCookie: res.headers['set-cookie'] ?? [],
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

export async function serve(bin: string, env: NodeJS.ProcessEnv): Promise<Served> {
  const started = nowMs();
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--json'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  const fail = (why: string): Error => new Error(`afterword serve ${why}\nstdout: ${stdout}\nstderr: ${stderr}`);
  try {
    const { port, listeningMs } = await new Promise<{ port: number; listeningMs: number }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(fail(`printed no URL within ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
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
      if (health?.status === 200)
        return { child, port, listeningMs, healthyMs: nowMs() - started, stderr: () => stderr };
      if (nowMs() > deadline)
        throw fail(`/healthz never answered 200 (last: ${health ? `${health.status} ${health.body}` : 'no answer'})`);
      await new Promise((r) => setTimeout(r, 2));
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** SIGTERM, then the time until the child exited and its exit code (SIGKILL after 15 s: code -1). */
export function stop(child: ChildProcess): Promise<{ ms: number; code: number }> {
  const started = nowMs();
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ ms: 0, code: child.exitCode ?? -1 });
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

export function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

export interface ProcSample {
  rssBytes: number;
  cpuMs: number;
}

/** Linux: /proc/PID/status (VmRSS) and /proc/PID/stat (utime + stime); elsewhere `ps` (coarser). */
export function sampleProcess(pid: number, ticksPerS: number): ProcSample {
  if (existsSync(`/proc/${pid}/stat`)) {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { rssBytes: rssKb * 1024, cpuMs: (ticks * 1000) / ticksPerS };
  }
  const [rss, time] = execFileSync('ps', ['-o', 'rss=', '-o', 'time=', '-p', String(pid)], { encoding: 'utf8' })
    .trim()
    .split(/\s+/);
  const parts = (time ?? '0').split(/[-:]/).map(Number);
  let seconds = 0;
  for (const part of parts) seconds = seconds * 60 + part;
  return { rssBytes: Number(rss) * 1024, cpuMs: seconds * 1000 };
}

// ---------------------------------------------------------------------------------------------
// RPC over the WebSocket
