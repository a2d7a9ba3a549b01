// The runner's HTTP API from inside the browser context (page.request shares the page's cookies, so
// it acts with the session the UI signed in with): typed by the shared contract, for setting up
// what a test is not about, and the test clock (POST /api/test/clock, AFTERWORD_ALLOW_FAKE_CLOCK=1).
import type { APIRequestContext } from 'playwright-core';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract/methods.js';
import type { Reply } from '../../shared/contract/reply.js';

export class Api {
  /** A monitor token for the test clock, which needs the owner or a token (see clockWhileLocked). */
  private clockToken: string | null = null;

  constructor(private readonly request: APIRequestContext) {}

  /** For a test that moves time while the UI is locked (no session then): the clock goes by a token. */
  async clockWhileLocked(): Promise<void> {
    this.clockToken = (await this.call('tokens.create', { role: 'monitor', label: 'e2e test clock' })).token;
  }

  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    return this.post<MethodOutput<M>>(`api/rpc/${method}`, input ?? {});
  }

  /** Time passes (wall and monotonic clock), then the runner ticks and sends what fell due. */
  async advanceClock(ms: number): Promise<number> {
    const headers = this.clockToken ? { authorization: `Bearer ${this.clockToken}` } : undefined;
    return (await this.post<{ now: number }>('api/test/clock', { advanceMs: Math.round(ms) }, headers)).now;
  }

  /** Only the runner's tick, at the current time: one more step for plans that have one to take. */
  tick(): Promise<number> {
    return this.advanceClock(0);
  }

  private async post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T> {
    const response = await this.request.post(path, { data: body as object, headers });
    const reply = (await response.json()) as Reply<T>;
    if (!reply.ok) throw new Error(`POST /${path} failed (HTTP ${response.status()}): ${reply.code}: ${reply.message}`);
    return reply.data;
  }
}
