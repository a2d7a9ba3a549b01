/**
 * The loopback SMTP relay of the delivery benchmark: `smtp-server` (a devDependency, resolved at
 * run time) on 127.0.0.1, no TLS, no authentication, each DATA drained and counted. It runs in a
 * worker thread, as a real relay is another machine: in the benchmark's own thread its parsing
 * would be charged to both senders alike and it would stall whenever a sender blocks the event
 * loop (our SQLite commits are synchronous).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface SinkStats {
  /** Mails accepted (DATA answered 250) since the last reset. */
  mails: number;
  /** Bytes of DATA received since the last reset. */
  bytes: number;
  /** Connections opened since the last reset. */
  connections: number;
  /** Most connections open at once since the last reset. */
  peakConnections: number;
  /** Connections open now. */
  open: number;
}

/** CommonJS, run with `eval: true`: there is no compiled file to point a worker at under vitest. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { SMTPServer } = require(workerData.smtpServerPath);
const stats = { mails: 0, bytes: 0, connections: 0, peakConnections: 0 };
let open = 0;
const server = new SMTPServer({
  secure: false,
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  disableReverseLookup: true,
  logger: false,
  onConnect(_session, callback) {
    open++;
    stats.connections++;
    stats.peakConnections = Math.max(stats.peakConnections, open);
    callback();
  },
  onClose() {
    open--;
  },
  onData(stream, _session, callback) {
    stream.on('data', (chunk) => { stats.bytes += chunk.length; });
    stream.on('end', () => { stats.mails++; callback(); });
  },
});
server.on('error', () => undefined);
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ type: 'listening', port: server.server.address().port }));
parentPort.on('message', (message) => {
  if (message === 'stats') parentPort.postMessage({ type: 'stats', stats: { ...stats, open } });
  else if (message === 'reset') {
    Object.assign(stats, { mails: 0, bytes: 0, connections: 0, peakConnections: open });
    parentPort.postMessage({ type: 'reset' });
  } else if (message === 'close') server.close(() => parentPort.close());
});
`;

export class SmtpBenchServer {
  private constructor(
    private readonly worker: Worker,
    readonly port: number,
  ) {}

  /** Throws with an actionable message when the devDependency `smtp-server` is not installed. */
  static async start(): Promise<SmtpBenchServer> {
    let smtpServerPath: string;
    try {
      smtpServerPath = createRequire(import.meta.url).resolve('smtp-server');
    } catch {
      throw new Error(
        'the delivery benchmark needs the devDependency smtp-server: run `npm install` in the repository',
      );
    }
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { smtpServerPath } });
    const port = await new Promise<number>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (message: { type: string; port: number }) => resolve(message.port));
    });
    worker.on('error', () => undefined);
    return new SmtpBenchServer(worker, port);
  }

  private request<T>(message: string, type: string): Promise<T> {
    return new Promise<T>((resolve) => {
      const onMessage = (reply: { type: string } & T): void => {
        if (reply.type !== type) return;
        this.worker.off('message', onMessage);
        resolve(reply);
      };
      this.worker.on('message', onMessage);
      this.worker.postMessage(message);
    });
  }

  async stats(): Promise<SinkStats> {
    return (await this.request<{ stats: SinkStats }>('stats', 'stats')).stats;
  }

  /** Zeroes the counters once the previous sender's connections have closed (up to 5 s). */
  async reset(): Promise<void> {
    for (let waited = 0; waited < 5000 && (await this.stats()).open > 0; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await this.request('reset', 'reset');
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('close');
    // server.close waits for clients to hang up; the senders have all been closed by now.
    const timer = setTimeout(() => void this.worker.terminate(), 2000);
    await exited;
    clearTimeout(timer);
  }
}
