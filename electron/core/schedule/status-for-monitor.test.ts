// A monitor token reads ids and kinds, never the names the owner gave webhooks.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Reply } from '../../../shared/contract/reply.js';
import { AppCore } from '../api/app-core.js';
import { createRouter } from '../api/router.js';
import { FileKeyStore } from '../../node/file-key-store.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { statusForMonitor } from './status-for-monitor.js';
import type { StatusReport } from './status.js';

function unwrap<T>(reply: Reply<unknown>): T {
  if (!reply.ok) throw new Error(`${reply.code}: ${reply.message}`);
  return reply.data as T;
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

it('status.get for a monitor names webhooks by id, in tests and failures alike', { timeout: 60_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'afterword-monitor-'));
  const app = new AppCore({
    vaultDir: join(root, 'vault'),
    clock: new ManualClock(Date.UTC(2027, 0, 1)),
    keyStore: new FileKeyStore(join(root, 'keys')),
    scrypt: { logN: 15, r: 8, p: 1 },
  });
  const router = createRouter(app, { validateOutput: true });
  const as =
    (role: 'owner' | 'monitor') =>
    (method: string, input: unknown = {}) =>
      router.call(method, input, { role, transport: 'test' });
  try {
    unwrap(await as('owner')('vault.create', { password: 'correct horse battery' }));
    const { id } = unwrap<{ id: string }>(
      await as('owner')('channels.addWebhook', {
        name: 'family-ntfy',
        url: `http://127.0.0.1:${await closedPort()}/hook`,
        allowPrivateNetwork: true,
      }),
    );
    expect(unwrap<{ ok: boolean }>(await as('owner')('channels.test', { channel: 'webhook:family-ntfy' })).ok).toBe(
      false,
    );

    const owner = unwrap<StatusReport>(await as('owner')('status.get'));
    expect(owner.tests.last?.channel).toBe('webhook:family-ntfy');
    const monitor = unwrap<StatusReport>(await as('monitor')('status.get'));
    expect(monitor.tests.last?.channel).toBe(`webhook:${id}`);
    expect(JSON.stringify(monitor)).not.toContain('family-ntfy');

    // A failed warning to the webhook, and one to a webhook removed since.
    const failed = { kind: 'warning', error: 'WEBHOOK_UNREACHABLE: [host]', at: 1 };
    const withFailures: StatusReport = {
      ...owner,
      failures: [
        { id: 'obx_1', channel: 'webhook:family-ntfy', ...failed },
        { id: 'obx_2', channel: 'webhook:old-phone', ...failed },
        { id: 'obx_3', channel: 'email', ...failed },
      ],
    };
    expect(statusForMonitor(withFailures, new Map([['family-ntfy', id]])).failures).toEqual([
      { id: 'obx_1', channel: `webhook:${id}`, kind: 'warning', error: null, at: 1 },
      { id: 'obx_2', channel: 'webhook', kind: 'warning', error: null, at: 1 },
      { id: 'obx_3', channel: 'email', kind: 'warning', error: null, at: 1 },
    ]);
  } finally {
    await app.close();
    await rm(root, { recursive: true, force: true });
  }
});
