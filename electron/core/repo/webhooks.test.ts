import { afterEach, describe, expect, it } from 'vitest';
import { WebhookUrlRefusedError } from '../errors.js';
import { createEngine } from '../engine.js';
import { readStatus } from '../schedule/status.js';
import { createTestVault, type TestVault } from '../test-support/vault-fixture.js';
import { runDoctor } from '../vault/doctor.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
let tv: TestVault | undefined;
afterEach(async () => {
  await tv?.dispose();
  tv = undefined;
});

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('WebhooksRepo: where a webhook may point', () => {
  it('stores the own-network flag; refuses private addresses without it and forbidden ones always', async () => {
    tv = await createTestVault();
    const { webhooks } = tv.services;
    const refused = thrown(() => webhooks.add('lan', 'http://10.1.2.3:2586/alerts', SECRET));
    expect(refused).toBeInstanceOf(WebhookUrlRefusedError);
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', problem: 'privateAddress' });
    expect(
      thrown(() => webhooks.add('meta', 'http://169.254.169.254/', SECRET, { allowPrivateNetwork: true })),
    ).toMatchObject({ problem: 'forbiddenAddress' });
    expect(webhooks.list()).toEqual([]);

    webhooks.add('lan', 'http://10.1.2.3:2586/alerts', SECRET, { allowPrivateNetwork: true });
    webhooks.add('cloud', 'https://ntfy.example.org/t', SECRET);
    expect(webhooks.list().map((w) => [w.name, w.allowPrivateNetwork, w.privateNetworkKept])).toEqual([
      ['cloud', false, false],
      ['lan', true, false],
    ]);
    // Turning the flag off is refused for a URL that is itself a private address: it could never be sent to.
    expect(thrown(() => webhooks.setAllowPrivateNetwork('lan', false))).toMatchObject({ problem: 'privateAddress' });
    expect(webhooks.setAllowPrivateNetwork('cloud', true)).toMatchObject({ allowPrivateNetwork: true });
  });

  it('a webhook kept from before the check is named by status and doctor until the owner decides', async () => {
    tv = await createTestVault();
    const { services, clock } = tv;
    const engine = createEngine(services, { clock });
    services.webhooks.add('old', 'http://192.168.1.9/hook', SECRET, { allowPrivateNetwork: true });
    const rcp = services.recipients.add(
      { type: 'webhook', name: 'Relay', contact: 'http://192.168.1.10/x' },
      { allowPrivateNetwork: true },
    );
    // What migration 0008 does to rows that existed before it.
    services.vault.db.sqlite.exec(
      'UPDATE webhooks SET private_network_kept = 1; UPDATE recipients SET private_network_kept = 1',
    );
    const kept = () =>
      readStatus(services, engine.outbox, clock.now()).problems.filter((p) => p.code === 'PRIVATE_NETWORK_KEPT');
    expect(kept()).toEqual([
      {
        code: 'PRIVATE_NETWORK_KEPT',
        params: { kind: 'webhook', name: 'old' },
        message: expect.stringContaining('channel webhook edit old'),
      },
      {
        code: 'PRIVATE_NETWORK_KEPT',
        params: { kind: 'recipient', name: rcp.id },
        message: expect.stringContaining(`recipient edit ${rcp.id}`),
      },
    ]);
    expect((await runDoctor(services)).warnings).toEqual(
      expect.arrayContaining([expect.stringContaining('webhook old'), expect.stringContaining(`recipient ${rcp.id}`)]),
    );
    // Renaming the recipient is not deciding; saying it is on the own network is.
    expect(services.recipients.update(rcp.id, { name: 'Home relay' })).toMatchObject({ privateNetworkKept: true });
    services.recipients.update(rcp.id, { allowPrivateNetwork: true });
    services.webhooks.setAllowPrivateNetwork('old', true);
    expect(kept()).toEqual([]);
    expect(services.recipients.get(rcp.id)).toMatchObject({ allowPrivateNetwork: true, privateNetworkKept: false });
    await engine.close?.();
  });
});
