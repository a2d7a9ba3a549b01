// Helpers shared by the parts of the contract test suite (see contract-suite.ts). Test support only.
import type { Reply } from '../../../../shared/contract/reply.js';
import { MINUTE_MS } from '../../../../shared/durations.js';

export interface SuiteClient {
  call(method: string, input?: unknown): Promise<Reply<unknown>>;
}

export interface SuiteTransport {
  /** The owner's UI: keeps its session (cookie, or the trusted IPC renderer) across calls. */
  owner(): SuiteClient;
  /** Somebody with no credentials at all. */
  anonymous(): SuiteClient;
  /** A caller presenting a checkin or monitor token. */
  bearer(token: string): SuiteClient;
  /** Row counts of the vault's tables, to prove a refused call wrote nothing. */
  rowCounts(): Record<string, number>;
  close(): Promise<void>;
}

/** The transport of a running suite and its owner's client; set in the suite's beforeAll. */
export interface SuiteSession {
  t: SuiteTransport;
  owner: SuiteClient;
}

export const SUITE_PASSWORD = 'correct horse battery staple';

export async function data<T>(reply: Promise<Reply<unknown>>): Promise<T> {
  const r = await reply;
  if (!r.ok) throw new Error(`expected ok, got ${r.code}: ${r.message}`);
  return r.data as T;
}

export async function code(reply: Promise<Reply<unknown>>): Promise<string> {
  const r = await reply;
  return r.ok ? 'OK' : r.code;
}

export const levels = [1, 2, 3, 4, 5].map((n) => ({ waitMs: n * 60 * MINUTE_MS, channels: ['desktop'] }));
