import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../engine.js';
import { readStatus } from './status.js';
import { createTestVault, type TestVault } from '../test-support/vault-fixture.js';

let tv: TestVault | undefined;
afterEach(async () => {
  await tv?.dispose();
  tv = undefined;
});

describe('readStatus problems', () => {
  it('names every misconfiguration that would make a warning or delivery fail, and clears them', async () => {
    tv = await createTestVault();
    const { services, clock } = tv;
    const engine = createEngine(services, { clock });
    const rcp = services.recipients.add({ type: 'email', name: 'Kin', contact: 'kin@example.org' });
    services.messages.create({ title: 't', body: 'b', recipientIds: [rcp.id] }); // default plan: uses e-mail
    const problems = () => readStatus(services, engine.outbox, clock.now()).problems;

    engine.scheduler.tick();
    expect(problems()).toEqual([
      expect.stringContaining('no owner e-mail'),
      expect.stringContaining('warns by e-mail but no SMTP account'),
      expect.stringContaining('e-mail recipients but no SMTP account'),
    ]);

    services.settings.set('owner', { email: 'me@example.org', name: null });
    services.settings.set('smtp', { host: 'smtp.example.org', port: 587, tls: 'starttls', user: null, password: null, from: 'me@example.org' });
    expect(problems()).toEqual([]);

    clock.advance(3 * 24 * 60 * 60 * 1000); // nobody ran the scheduler for three days
    expect(problems()).toEqual([expect.stringContaining('scheduler has not run')]);
    engine.scheduler.tick();
    expect(problems()).toEqual([]);
    await engine.close();
  });
});
