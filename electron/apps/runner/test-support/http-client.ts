// Test helper: a fetch client for the runner that keeps a cookie jar like a browser tab would.
// Only for *.test.ts files.
import type { Reply } from '../../../../shared/contract/reply.js';

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export class HttpClient {
  private readonly jar = new Map<string, string>();

  constructor(
    readonly base: string,
    private readonly defaults: Record<string, string> = {},
    /** The runner's setup token, added to `vault.create` calls that carry none (as the printed link does for the UI). */
    private readonly setupToken: () => string | null = () => null,
  ) {}

  static bearer(base: string, token: string): HttpClient {
    return new HttpClient(base, { authorization: `Bearer ${token}` });
  }

  get cookieHeader(): string | undefined {
    if (this.jar.size === 0) return undefined;
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  setCookie(name: string, value: string): void {
    this.jar.set(name, value);
  }

  async request(
    path: string,
    init: { method?: string; body?: string | Uint8Array; headers?: Record<string, string> } = {},
  ): Promise<HttpResult> {
    const headers: Record<string, string> = { ...this.defaults, ...init.headers };
    const cookie = this.cookieHeader;
    if (cookie && headers.cookie === undefined) headers.cookie = cookie;
    const res = await fetch(new URL(path, this.base), {
      method: init.method ?? 'GET',
      headers,
      body: init.body,
      redirect: 'manual',
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON (HTML pages, metrics).
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  post(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
    return this.request(path, {
      method: 'POST',
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
  }

  /** One RPC call; returns the Reply and the HTTP status it came with. */
  async rpc(
    method: string,
    input?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; reply: Reply<unknown>; headers: Headers }> {
    const token = method === 'vault.create' ? this.setupToken() : null;
    const withToken =
      token && input !== null && typeof input === 'object' && !('setupToken' in input)
        ? { ...input, setupToken: token }
        : input;
    const result = await this.post(`/api/rpc/${method}`, withToken, headers);
    return { status: result.status, reply: result.json as Reply<unknown>, headers: result.headers };
  }

  async call(method: string, input?: unknown): Promise<Reply<unknown>> {
    return (await this.rpc(method, input)).reply;
  }

  /** Calls and requires `ok`; returns the data. */
  async data<T>(method: string, input?: unknown): Promise<T> {
    const reply = await this.call(method, input);
    if (!reply.ok) throw new Error(`${method}: expected ok, got ${reply.code}: ${reply.message}`);
    return reply.data as T;
  }
}
