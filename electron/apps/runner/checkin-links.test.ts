// Check-in links in warning e-mails: the warning composer signs one per warning; opening it
// changes nothing; its button checks in once; replayed, expired, tampered or foreign links are
// refused with a page that says what to do instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../core/delivery/owner-settings.js';
import type { ChannelSender, OutgoingItem, WarningContent } from '../../core/delivery/delivery-types.js';
import { ManualClock } from '../../core/test-support/manual-clock.js';
import { CHECKIN_LINK_TTL_MS, createCheckinLink } from '../../core/api/checkin-links.js';
import type { HttpClient } from './test-support/http-client.js';
import { startWithVault, T0, type RunnerFixture } from './test-support/runner-fixture.js';

const sent: OutgoingItem[] = [];
const capture: ChannelSender = {
  async send(item) {
    sent.push(item);
    return { ok: true, response: '250 captured' };
  },
};

const level = { waitMs: 60_000, channels: ['email'] };

describe('check-in links', () => {
  let f: RunnerFixture;
  let owner: HttpClient;
  let clock: ManualClock;
  let planId: string;

  const count = (table: string): number =>
    f.app.vaultOrThrow().db.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  const planPhase = async (): Promise<string> =>
    (await owner.data<{ plans: { id: string; phase: string }[] }>('status.get', {})).plans.find((p) => p.id === planId)!
      .phase;
  const linkPath = (url: string): string => new URL(url).pathname;

  /** Runs the scheduler with the clock moving a minute at a time until a warning e-mail goes out. */
  async function nextWarning(): Promise<WarningContent> {
    const mark = sent.length;
    for (let i = 0; i < 10 && sent.length === mark; i++) {
      clock.advance(61_000);
      await f.app.engineOrThrow().runOnce('test');
    }
    const item = sent.slice(mark).find((s) => s.content.kind === 'warning');
    if (!item) throw new Error('no warning was sent');
    return item.content as WarningContent;
  }

  beforeAll(async () => {
    clock = new ManualClock(T0);
    ({ f, owner } = await startWithVault({ clock, engine: { emailSenderFor: () => capture } }));
    await owner.data('settings.set', { owner: { email: 'me@example.org', name: 'Me' }, publicUrl: f.base });
    await owner.data('channels.setSmtp', {
      host: 'smtp.example.org',
      port: 587,
      tls: 'starttls',
      user: null,
      from: 'aw@example.org',
    });
    const kin = await owner.data<{ id: string }>('recipients.create', {
      name: 'Kin',
      type: 'email',
      contact: 'kin@example.org',
    });
    planId = (
      await owner.data<{ id: string }>('plans.create', {
        name: 'Short',
        intervalMs: 60_000,
        levels: [level, level, level, level, level],
      })
    ).id;
    await owner.data('messages.create', { title: 'For Kin', body: 'x', recipientIds: [kin.id], planId });
  });
  afterAll(() => f.close());

  it('each warning e-mail carries its own signed link under the public URL', async () => {
    const first = await nextWarning();
    expect(first.checkinUrl).toMatch(new RegExp(`^${f.base}checkin/[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    const second = await nextWarning();
    expect(second.level).toBe(2);
    expect(second.checkinUrl).not.toBe(first.checkinUrl);
  });

  it('GET shows an "I\'m here" form and changes nothing; POST checks in; the link then works no more', async () => {
    const warning = await nextWarning();
    const path = linkPath(warning.checkinUrl!);
    const phase = await planPhase();
    expect(phase).not.toBe('scheduled');
    const checkins = count('checkins');

    const page = await f.client().request(path);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<form method="post">/);
    expect(page.text).toContain("I'm here");
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    await f.client().request(path, { method: 'HEAD' });
    expect(await planPhase()).toBe(phase);
    expect(count('checkins')).toBe(checkins);
    expect(count('used_checkin_links')).toBe(0);

    const done = await f
      .client()
      .request(path, { method: 'POST', body: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(done.status).toBe(200);
    expect(done.text).toContain('checked in');
    expect(await planPhase()).toBe('scheduled');
    expect(count('checkins')).toBe(checkins + 1);
    const source = f.app
      .vaultOrThrow()
      .db.sqlite.prepare('SELECT source FROM checkins ORDER BY id DESC LIMIT 1')
      .pluck()
      .get();
    expect(source).toBe('link:checkin');

    const replay = await f.client().request(path, { method: 'POST' });
    expect(replay.status).toBe(410);
    expect(replay.text).toContain('already used');
    expect(replay.text).toContain('not checked in');
    expect(count('checkins')).toBe(checkins + 1);
    expect((await f.client().request(path)).status).toBe(410);
  });

  it('an expired link is refused (GET and POST) and checks nobody in', async () => {
    const path = linkPath(createCheckinLink(f.app, f.base));
    clock.advance(CHECKIN_LINK_TTL_MS + 60_000);
    const checkins = count('checkins');
    for (const method of ['GET', 'POST']) {
      const r = await f.client().request(path, { method });
      expect(r.status).toBe(410);
      expect(r.text).toContain('expired');
    }
    expect(count('checkins')).toBe(checkins);
  });

  it('tampered, truncated, foreign and garbage links are refused', async () => {
    const path = linkPath(createCheckinLink(f.app, f.base));
    const [h, p, s] = path.slice('/checkin/'.length).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = (change: Record<string, unknown>) =>
      Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url');
    const otherSig = `${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`;
    const bad = [
      `${h}.${forged({ exp: (claims.exp as number) + 86_400 })}.${s}`, // a later expiry, same signature
      `${h}.${forged({ jti: 'another' })}.${s}`,
      `${h}.${p}.${otherSig}`,
      `${h}.${p}`,
      `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${p}.`,
      'not-a-link',
      'x'.repeat(2000),
    ];
    const checkins = count('checkins');
    for (const token of bad) {
      for (const method of ['GET', 'POST']) {
        const r = await f.client().request(`/checkin/${token}`, { method });
        expect({ token: token.slice(0, 40), method, status: r.status }).toEqual({
          token: token.slice(0, 40),
          method,
          status: 400,
        });
        expect(r.text).toContain('not valid');
      }
    }
    expect(count('checkins')).toBe(checkins);
    // The untampered link still works.
    expect((await f.client().request(path, { method: 'POST' })).status).toBe(200);
  });

  it('while the key is unavailable the button explains instead of checking in, and the link survives', async () => {
    const path = linkPath(createCheckinLink(f.app, f.base));
    await f.restart(); // a new process without unattended delivery: no key until the owner unlocks
    owner = f.client();
    try {
      expect((await f.client().request(path)).status).toBe(200);
      const r = await f.client().request(path, { method: 'POST' });
      expect(r.status).toBe(503);
      expect(r.text).toContain('locked');
    } finally {
      await owner.data('vault.unlock', { password: 'correct horse battery staple' });
    }
    expect((await f.client().request(path, { method: 'POST' })).status).toBe(200);
  });
});

describe('--public-url', () => {
  it('is stored as the publicUrl setting once the key is there, and makes the cookie Secure', async () => {
    const { f, owner } = await startWithVault({ runner: { publicUrl: 'https://afterword.example.org' } });
    try {
      expect(f.app.keyedServices().settings.get(SETTINGS.publicUrl)).toBe('https://afterword.example.org');
      expect(owner.cookie('__Host-afterword_session')).toBeDefined();
      expect((await owner.rpc('messages.list', {})).status).toBe(200);
      const link = createCheckinLink(f.app, 'https://afterword.example.org/');
      expect(link).toMatch(/^https:\/\/afterword\.example\.org\/checkin\/[\w-]+\.[\w-]+\.[\w-]+$/);
      // Its origin is accepted like the runner's own.
      expect((await owner.rpc('messages.list', {}, { origin: 'https://afterword.example.org' })).status).toBe(200);
    } finally {
      await f.close();
    }
  });
});
