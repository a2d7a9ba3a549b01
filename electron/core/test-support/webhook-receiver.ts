// Test helper: a loopback HTTP server that receives Afterword's webhooks and checks their Standard
// Webhooks signature. Only for *.test.ts files; nothing in the app imports it.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { WebhookPayload } from '../delivery/webhook-payload.js';

/** The receiver listens on loopback: webhooks pointing at it are marked as on the owner's own network. */
export const ON_OWN_NETWORK = { allowPrivateNetwork: true } as const;

export interface ReceivedHook {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The payload when the signature verified with the path's secret; null otherwise. */
  payload: WebhookPayload | null;
  verified: boolean;
  status: number;
}

export interface WebhookReceiver {
  base: string;
  received: ReceivedHook[];
  /** The secret a path's signatures are checked with (set before the hooks arrive). */
  setSecret(path: string, secret: string): void;
  /** Answer this path with `status` (e.g. 503) instead of 204/401. */
  setStatus(path: string, status: number | null): void;
  close(): Promise<void>;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** 204 when the signature verifies with the path's secret, 401 otherwise (or the status set for the path). */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const secrets = new Map<string, string>();
  const statuses = new Map<string, number>();
  const received: ReceivedHook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const headers = flatHeaders(req);
      const body = Buffer.concat(chunks).toString('utf8');
      const secret = secrets.get(path);
      let payload: WebhookPayload | null = null;
      if (secret) {
        try {
          payload = new Webhook(secret).verify(body, headers) as WebhookPayload;
        } catch {
          payload = null;
        }
      }
      const verified = payload !== null;
      const status = statuses.get(path) ?? (verified ? 204 : 401);
      received.push({ path, headers, body, payload, verified, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    setSecret: (path, secret) => void secrets.set(path, secret),
    setStatus: (path, status) => void (status === null ? statuses.delete(path) : statuses.set(path, status)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
