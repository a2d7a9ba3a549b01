// The contract test suite's engine journey: plans, channels, settings, tokens and one scheduler
// pass (see contract-suite.ts). Test support only.
import { expect, it } from 'vitest';
import { DAY_MS, MINUTE_MS } from '../../../../shared/durations.js';
import { code, data, levels, type SuiteSession } from './contract-suite-support.js';

/** Sets up how the switch warns and who may call what; leaves the plan Family and the checkin token of a phone. */
export function engineJourney(session: () => SuiteSession): void {
  it('plans: create, simulate (stored and unsaved), default, and check-in', async () => {
    const { owner } = session();
    const plan = await data<{ id: string; isTestPlan: boolean }>(
      owner.call('plans.create', { name: 'Family', intervalMs: 30 * DAY_MS, levels }),
    );
    expect(plan.isTestPlan).toBe(true); // waits under a day
    expect(
      await code(owner.call('plans.create', { name: 'Bad', intervalMs: 30 * DAY_MS, levels: levels.slice(0, 4) })),
    ).toBe('BAD_REQUEST');
    const stored = await data<{ timeline: { event: string; level: number }[] }>(
      owner.call('plans.simulate', { id: plan.id }),
    );
    const warnings = [1, 2, 3, 4, 5].map((level) => ['warning', level]);
    expect(stored.timeline.map((e) => [e.event, e.level])).toEqual([...warnings, ['delivery', 5]]);
    const draft = await data<{ timeline: { at: number }[] }>(
      owner.call('plans.simulate', { intervalMs: DAY_MS, levels }),
    );
    expect(draft.timeline.at(-1)!.at - draft.timeline[0]!.at).toBe(15 * 60 * MINUTE_MS);
    expect((await data<unknown[]>(owner.call('plans.list', {}))).length).toBe(2);
    const checkin = await data<{ at: number }>(owner.call('checkin', {}));
    expect(typeof checkin.at).toBe('number');
    // Dates out of range are refused before they reach the plans (8640000000000001 broke status).
    for (const until of [8_640_000_000_000_001, checkin.at + 3651 * DAY_MS, checkin.at - MINUTE_MS]) {
      expect(await code(owner.call('plans.pause', { until }))).toBe('BAD_REQUEST');
    }
    const status = await data<{ plans: unknown[]; lastCheckinAt: number }>(owner.call('status.get', {}));
    expect(status.plans).toHaveLength(2);
    expect(status.lastCheckinAt).toBe(checkin.at);
  });

  it('channels and settings round-trip; secrets of the SMTP account are never returned', async () => {
    const { owner } = session();
    const hook = await data<{ id: string; secret: string }>(
      owner.call('channels.addWebhook', { name: 'phone', url: 'https://ntfy.example.org/aw' }),
    );
    expect(hook.secret).toMatch(/^whsec_/);
    await data(
      owner.call('channels.setSmtp', {
        host: 'smtp.example.org',
        port: 587,
        tls: 'starttls',
        user: 'me',
        password: 's3cret-pw',
        from: 'me@example.org',
      }),
    );
    const channels = await data<{ smtp: Record<string, unknown>; webhooks: { name: string }[] }>(
      owner.call('channels.get', {}),
    );
    expect(channels.smtp).toMatchObject({ host: 'smtp.example.org', passwordSet: true });
    expect(JSON.stringify(channels)).not.toContain('s3cret-pw');
    expect(channels.webhooks.map((w) => w.name)).toEqual(['phone']);
    expect(await code(owner.call('channels.addWebhook', { name: 'phone', url: 'https://x.example.org' }))).toBe(
      'CONFLICT',
    );
    await data(owner.call('channels.removeWebhook', { name: 'phone' }));
    const settings = await data(
      owner.call('settings.set', { owner: { email: 'me@example.org', name: 'Me' }, autoLockMinutes: 5 }),
    );
    expect(settings).toMatchObject({ owner: { email: 'me@example.org', name: 'Me' }, autoLockMinutes: 5 });
    expect(await code(owner.call('settings.set', { owner: { email: 'nope', name: null } }))).toBe('BAD_REQUEST');
  });

  it('webhook URLs, SMTP hosts and plan channels are checked where they are saved', async () => {
    const { owner } = session();
    const add = (name: string, url: string, allowPrivateNetwork?: boolean) =>
      owner.call('channels.addWebhook', {
        name,
        url,
        ...(allowPrivateNetwork === undefined ? {} : { allowPrivateNetwork }),
      });
    expect(await code(add('lan', 'http://192.168.1.20:2586/alerts'))).toBe('BAD_REQUEST');
    expect(await code(add('meta', 'http://169.254.169.254/', true))).toBe('BAD_REQUEST');
    expect(await code(add('octal', 'http://0177.0.0.1/', true))).toBe('BAD_REQUEST');
    await data(add('lan', 'http://192.168.1.20:2586/alerts', true));
    const listed = await data<{ webhooks: { name: string; allowPrivateNetwork: boolean }[] }>(
      owner.call('channels.get', {}),
    );
    expect(listed.webhooks).toContainEqual(expect.objectContaining({ name: 'lan', allowPrivateNetwork: true }));
    expect(await code(owner.call('channels.updateWebhook', { name: 'lan', allowPrivateNetwork: false }))).toBe(
      'BAD_REQUEST',
    );
    expect(
      await code(owner.call('recipients.create', { name: 'Home', type: 'webhook', contact: 'http://10.0.0.2/x' })),
    ).toBe('BAD_REQUEST');
    for (const host of ['smtp.example.org\r\nDATA', 'smtp://smtp.example.org', 'a b', 'me@smtp.example.org']) {
      expect(
        await code(
          owner.call('channels.setSmtp', { host, port: 587, tls: 'starttls', user: null, from: 'me@example.org' }),
        ),
      ).toBe('BAD_REQUEST');
    }
    const ghostLevels = levels.map((l, i) => (i === 2 ? { ...l, channels: ['email', 'webhook:ghost'] } : l));
    expect(
      await code(owner.call('plans.create', { name: 'Ghost', intervalMs: 30 * DAY_MS, levels: ghostLevels })),
    ).toBe('BAD_REQUEST');
    const withLan = levels.map((l, i) => (i === 2 ? { ...l, channels: ['email', 'webhook:lan'] } : l));
    const plan = await data<{ id: string }>(
      owner.call('plans.create', { name: 'Lan', intervalMs: 30 * DAY_MS, levels: withLan }),
    );
    expect(await code(owner.call('plans.update', { id: plan.id, levels: ghostLevels }))).toBe('BAD_REQUEST');
    await data(owner.call('plans.delete', { id: plan.id }));
    await data(owner.call('channels.removeWebhook', { name: 'lan' }));
  });

  it('tokens: a checkin token can only check in, a monitor token can only read status', async () => {
    const { t, owner } = session();
    const checkin = await data<{ token: string }>(
      owner.call('tokens.create', { role: 'checkin', label: 'phone shortcut' }),
    );
    const monitor = await data<{ token: string }>(owner.call('tokens.create', { role: 'monitor', label: 'grafana' }));
    const c = t.bearer(checkin.token);
    const m = t.bearer(monitor.token);
    expect(await code(c.call('checkin', {}))).toBe('OK');
    expect(await code(c.call('messages.list', {}))).toBe('FORBIDDEN');
    expect(await code(c.call('status.get', {}))).toBe('FORBIDDEN');
    expect(await code(m.call('status.get', {}))).toBe('OK');
    // A monitor reads ids, states and numbers, never a plan's name (encrypted content).
    const seen = await data<{ plans: { id: string; name: string }[] }>(m.call('status.get', {}));
    const named = await data<{ plans: { id: string; name: string }[] }>(owner.call('status.get', {}));
    expect(named.plans.map((p) => p.name)).toContain('Family');
    expect(seen.plans.map((p) => p.name)).toEqual(named.plans.map((p) => p.id));
    expect(JSON.stringify(seen)).not.toContain('Family');
    expect(await code(m.call('checkin', {}))).toBe('FORBIDDEN');
    expect(await code(t.bearer('aw_checkin_not-a-real-token').call('checkin', {}))).toBe('UNAUTHORIZED');
    const list = await data<{ id: string; label: string }[]>(owner.call('tokens.list', {}));
    expect(list.map((x) => x.label).sort()).toEqual(['grafana', 'phone shortcut']);
    await data(owner.call('tokens.delete', { id: list[0]!.id }));
    expect((await data<unknown[]>(owner.call('tokens.list', {}))).length).toBe(1);
  });

  it('one scheduler pass and the doctor answer the owner only, never a token or a stranger', async () => {
    const { t, owner } = session();
    const pass = await data<{ tick: { transitions: unknown[] }; drain: { attempted: number } }>(
      owner.call('scheduler.tick', {}),
    );
    expect(pass.tick.transitions).toEqual(expect.any(Array));
    expect(pass.drain.attempted).toEqual(expect.any(Number));
    expect(await data(owner.call('vault.doctor', {}))).toMatchObject({ ok: true, problems: [] });
    const checkin = await data<{ id: string; token: string }>(
      owner.call('tokens.create', { role: 'checkin', label: 'tick probe' }),
    );
    const monitor = await data<{ id: string; token: string }>(
      owner.call('tokens.create', { role: 'monitor', label: 'doctor probe' }),
    );
    for (const method of ['scheduler.tick', 'vault.doctor']) {
      expect(await code(t.bearer(checkin.token).call(method, {}))).toBe('FORBIDDEN');
      expect(await code(t.bearer(monitor.token).call(method, {}))).toBe('FORBIDDEN');
      expect(await code(t.anonymous().call(method, {}))).toBe('UNAUTHORIZED');
    }
    await data(owner.call('tokens.delete', { id: checkin.id }));
    await data(owner.call('tokens.delete', { id: monitor.id }));
  });

  it('a stored SMTP password stays for the same login on the same server only, and goes with the login', async () => {
    const { owner } = session();
    const account = {
      host: 'smtp.example.org',
      port: 587,
      tls: 'starttls',
      user: 'me@example.org',
      from: 'me@example.org',
    };
    await data(owner.call('channels.setSmtp', { ...account, password: 'app password' }));
    await data(owner.call('channels.setSmtp', { ...account, port: 465, tls: 'implicit' }));
    expect(await data(owner.call('channels.get', {}))).toMatchObject({ smtp: { port: 465, passwordSet: true } });
    // Another server or another login never gets the stored password: it must be typed again.
    expect(await code(owner.call('channels.setSmtp', { ...account, host: 'mail.elsewhere.example' }))).toBe(
      'BAD_REQUEST',
    );
    expect(await code(owner.call('channels.setSmtp', { ...account, user: 'other@example.org' }))).toBe('BAD_REQUEST');
    expect(await data(owner.call('channels.get', {}))).toMatchObject({
      smtp: { host: 'smtp.example.org', user: 'me@example.org', passwordSet: true },
    });
    await data(owner.call('channels.setSmtp', { ...account, host: 'mail.elsewhere.example', password: 'new one' }));
    expect(await data(owner.call('channels.get', {}))).toMatchObject({
      smtp: { host: 'mail.elsewhere.example', passwordSet: true },
    });
    await data(owner.call('channels.setSmtp', { ...account, user: null }));
    expect(await data(owner.call('channels.get', {}))).toMatchObject({ smtp: { user: null, passwordSet: false } });
  });
}
