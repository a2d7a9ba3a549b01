// The contract test suite, run against every transport (in-process router, the runner over
// HTTP): the same journey must give the same replies, whatever carries them. Test support only.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../../shared/contract/reply.js';
import { ATTACHMENT_CHUNK_BYTES, METHOD_NAMES } from '../../../shared/contract/methods.js';
import { DAY_MS, MINUTE_MS } from '../../../shared/durations.js';

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

export const SUITE_PASSWORD = 'correct horse battery staple';

async function data<T>(reply: Promise<Reply<unknown>>): Promise<T> {
  const r = await reply;
  if (!r.ok) throw new Error(`expected ok, got ${r.code}: ${r.message}`);
  return r.data as T;
}

async function code(reply: Promise<Reply<unknown>>): Promise<string> {
  const r = await reply;
  return r.ok ? 'OK' : r.code;
}

const levels = [1, 2, 3, 4, 5].map((n) => ({ waitMs: n * 60 * MINUTE_MS, channels: ['desktop'] }));

export function runContractSuite(name: string, makeTransport: () => Promise<SuiteTransport>): void {
  describe(`contract suite: ${name}`, () => {
    let t: SuiteTransport;
    let owner: SuiteClient;
    beforeAll(async () => {
      t = await makeTransport();
      owner = t.owner();
    });
    afterAll(async () => t?.close());

    it('before a vault exists: status says so, owner methods are refused, unknown methods are not found', async () => {
      expect(await data(t.anonymous().call('vault.status'))).toMatchObject({ exists: false, unlocked: false });
      expect(await code(t.anonymous().call('messages.list', {}))).toBe('UNAUTHORIZED');
      expect(await code(owner.call('no.such.method', {}))).toBe('NOT_FOUND');
      expect(await code(owner.call('vault.create', { password: 'short' }))).toBe('BAD_REQUEST');
    });

    it('creates the vault, shows the recovery key once, and the session is the owner', async () => {
      const { recoveryKey } = await data<{ recoveryKey: string }>(
        owner.call('vault.create', { password: SUITE_PASSWORD }),
      );
      expect(recoveryKey).toMatch(/^[0-9A-Z]{6}(-[0-9A-Z]{6}){5}$/);
      expect(await data(owner.call('vault.status'))).toMatchObject({ exists: true, unlocked: true });
      expect(await code(owner.call('vault.create', { password: SUITE_PASSWORD }))).toBe('BAD_REQUEST');
      expect(await code(t.anonymous().call('messages.list', {}))).toBe('UNAUTHORIZED');
    });

    it('writes a message with a recipient and a chunked attachment, and reads it back', async () => {
      expect(
        await code(owner.call('recipients.create', { name: 'Kin', type: 'email', contact: 'not-an-address' })),
      ).toBe('BAD_REQUEST');
      const kin = await data<{ id: string }>(
        owner.call('recipients.create', { name: 'Kin', type: 'email', contact: 'kin@example.org' }),
      );

      const file = new Uint8Array(randomBytes(ATTACHMENT_CHUNK_BYTES * 2 + 1234));
      const { uploadId } = await data<{ uploadId: string }>(
        owner.call('attachments.uploadBegin', { name: 'letter.pdf', size: file.length }),
      );
      for (let i = 0, at = 0; at < file.length; i++, at += ATTACHMENT_CHUNK_BYTES) {
        const piece = Buffer.from(file.subarray(at, at + ATTACHMENT_CHUNK_BYTES)).toString('base64');
        expect(
          await code(owner.call('attachments.uploadChunk', { uploadId, index: i + (i === 1 ? 5 : 0), data: piece })),
        ).toBe(i === 1 ? 'BAD_REQUEST' : 'OK');
        if (i === 1) await data(owner.call('attachments.uploadChunk', { uploadId, index: i, data: piece }));
      }
      await data(owner.call('attachments.uploadFinish', { uploadId }));

      const { id } = await data<{ id: string }>(
        owner.call('messages.create', {
          title: 'For Kin',
          body: 'Dear Kin,\n…',
          recipientIds: [kin.id],
          uploadIds: [uploadId],
        }),
      );
      const message = await data<{
        title: string;
        recipients: { id: string }[];
        attachments: { id: string; size: number; name: string }[];
      }>(owner.call('messages.get', { id }));
      expect(message).toMatchObject({
        title: 'For Kin',
        recipients: [{ id: kin.id }],
        attachments: [{ name: 'letter.pdf', size: file.length }],
      });

      const pieces: Buffer[] = [];
      for (let index = 0; ; index++) {
        const piece = await data<{ data: string; last: boolean }>(
          owner.call('attachments.download', { messageId: id, attachmentId: message.attachments[0]!.id, index }),
        );
        pieces.push(Buffer.from(piece.data, 'base64'));
        if (piece.last) break;
      }
      expect(Buffer.concat(pieces).equals(Buffer.from(file))).toBe(true);
      expect(await code(owner.call('messages.create', { title: 'again', body: '', uploadIds: [uploadId] }))).toBe(
        'NOT_FOUND',
      );
    });

    it('lists with paging and search, updates and deletes', async () => {
      for (const title of ['Garden notes', 'Passwords', 'garden tools'])
        await data(owner.call('messages.create', { title, body: 'x' }));
      const all = await data<{ total: number; items: { title: string }[] }>(owner.call('messages.list', { limit: 2 }));
      expect(all.total).toBe(4);
      expect(all.items).toHaveLength(2);
      const rest = await data<{ items: { title: string }[] }>(owner.call('messages.list', { limit: 2, offset: 2 }));
      expect([...all.items, ...rest.items].map((m) => m.title).sort()).toEqual([
        'For Kin',
        'Garden notes',
        'Passwords',
        'garden tools',
      ]);
      const found = await data<{ total: number; items: { id: string; title: string }[] }>(
        owner.call('messages.list', { query: 'GARDEN' }),
      );
      expect(found.items.map((m) => m.title).sort()).toEqual(['Garden notes', 'garden tools']);
      await data(owner.call('messages.update', { id: found.items[0]!.id, title: 'Garden (renamed)' }));
      await data(owner.call('messages.delete', { id: found.items[1]!.id }));
      expect((await data<{ total: number }>(owner.call('messages.list', {}))).total).toBe(3);
      expect(await code(owner.call('messages.get', { id: found.items[1]!.id }))).toBe('NOT_FOUND');
    });

    it('recipients: edited in place, listed with the messages that use them, kept while in use', async () => {
      const mo = await data<{ id: string }>(
        owner.call('recipients.create', { name: 'Mo', type: 'email', contact: 'mo@example.org' }),
      );
      const { id: letter } = await data<{ id: string }>(
        owner.call('messages.create', { title: 'For Mo', body: 'x', recipientIds: [mo.id] }),
      );
      expect(
        await code(owner.call('recipients.update', { id: mo.id, contact: 'https://not-an-address.example' })),
      ).toBe('BAD_REQUEST');
      expect(await code(owner.call('recipients.update', { id: mo.id, name: '' }))).toBe('BAD_REQUEST');
      const edited = await data(
        owner.call('recipients.update', { id: mo.id, name: 'Mo (brother)', contact: 'mo@example.net' }),
      );
      expect(edited).toMatchObject({ id: mo.id, name: 'Mo (brother)', contact: 'mo@example.net', type: 'email' });
      const list = await data<{ id: string; name: string; usedBy: { id: string; title: string }[] }[]>(
        owner.call('recipients.list', {}),
      );
      expect(list.find((r) => r.id === mo.id)).toMatchObject({
        name: 'Mo (brother)',
        usedBy: [{ id: letter, title: 'For Mo' }],
      });
      expect(await data(owner.call('messages.get', { id: letter }))).toMatchObject({
        recipients: [{ id: mo.id, contact: 'mo@example.net' }],
      });
      expect(await code(owner.call('recipients.delete', { id: mo.id }))).toBe('CONFLICT');
      await data(owner.call('messages.delete', { id: letter }));
      await data(owner.call('recipients.delete', { id: mo.id }));
      expect(await code(owner.call('recipients.update', { id: mo.id, name: 'gone' }))).toBe('NOT_FOUND');
    });

    it('plans.deliveries: the active messages a plan delivers and to whom; the default plan also takes those naming none', async () => {
      const plans = await data<{ id: string; isDefault: boolean }[]>(owner.call('plans.list', {}));
      const main = plans.find((p) => p.isDefault)!;
      const other = await data<{ id: string }>(
        owner.call('plans.create', { name: 'Other', intervalMs: 30 * DAY_MS, levels }),
      );
      const ana = await data<{ id: string }>(
        owner.call('recipients.create', { name: 'Ana', type: 'email', contact: 'ana@example.org' }),
      );
      const follows = await data<{ id: string }>(
        owner.call('messages.create', { title: 'No plan named', body: 'x', recipientIds: [ana.id] }),
      );
      const own = await data<{ id: string }>(
        owner.call('messages.create', {
          title: 'On Other',
          body: 'x',
          recipientIds: [ana.id],
          planId: other.id,
          deliveryDelayMs: DAY_MS,
        }),
      );
      const draft = await data<{ id: string }>(
        owner.call('messages.create', {
          title: 'Draft',
          body: 'x',
          recipientIds: [ana.id],
          planId: other.id,
          status: 'draft',
        }),
      );
      const onMain = await data<{ messages: { id: string }[] }>(owner.call('plans.deliveries', { id: main.id }));
      expect(onMain.messages.map((m) => m.id)).toContain(follows.id);
      expect(await data(owner.call('plans.deliveries', { id: other.id }))).toEqual({
        messages: [
          {
            id: own.id,
            title: 'On Other',
            deliveryDelayMs: DAY_MS,
            recipients: [expect.objectContaining({ id: ana.id, name: 'Ana', contact: 'ana@example.org' })],
          },
        ],
      });
      for (const id of [follows.id, own.id, draft.id]) await data(owner.call('messages.delete', { id }));
      await data(owner.call('plans.delete', { id: other.id }));
      await data(owner.call('recipients.delete', { id: ana.id }));
    });

    it('keeps a formatted body, sanitized, and drops it with a new plain text', async () => {
      const bodyHtml =
        '<p onclick="x()">Hi <strong>there</strong> <a href="javascript:x()">link</a></p><script>x()</script>';
      const { id } = await data<{ id: string }>(
        owner.call('messages.create', { title: 'Formatted', body: 'Hi there link', bodyHtml }),
      );
      expect(await data(owner.call('messages.get', { id }))).toMatchObject({
        body: 'Hi there link',
        bodyHtml: '<p>Hi <strong>there</strong> link</p>',
      });
      await data(owner.call('messages.update', { id, body: 'Bye' }));
      expect(await data(owner.call('messages.get', { id }))).toMatchObject({ body: 'Bye', bodyHtml: null });
      expect(await code(owner.call('messages.update', { id, bodyHtml: 42 }))).toBe('BAD_REQUEST');
      await data(owner.call('messages.delete', { id }));
    });

    it('plans: create, simulate (stored and unsaved), default, and check-in', async () => {
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
      expect(stored.timeline.map((e) => [e.event, e.level])).toEqual([
        ['warning', 1],
        ['warning', 2],
        ['warning', 3],
        ['warning', 4],
        ['warning', 5],
        ['delivery', 5],
      ]);
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

    it('the audit log verifies and holds no content', async () => {
      expect(await data(owner.call('audit.verify', {}))).toEqual({ ok: true, problems: [] });
      const { rows } = await data<{ rows: unknown[] }>(owner.call('audit.page', { limit: 500 }));
      expect(rows.length).toBeGreaterThan(10);
      const text = JSON.stringify(rows);
      for (const secret of ['For Kin', 'kin@example.org', 'Garden', 'phone shortcut', 'ntfy.example.org'])
        expect(text).not.toContain(secret);
    });

    it('every method refuses malformed input with BAD_REQUEST, writes nothing, never fails inside', async () => {
      const before = t.rowCounts();
      const bad = fc.oneof(
        fc.integer(),
        fc.string(),
        fc.boolean(),
        fc.array(fc.anything(), { maxLength: 3 }),
        fc
          .dictionary(fc.string({ maxLength: 8 }), fc.anything(), { maxKeys: 4 })
          .map((d) => ({ ...d, 'unexpected key': 1 })),
      );
      for (const method of METHOD_NAMES) {
        await fc.assert(
          fc.asyncProperty(bad, async (input) => {
            const reply = await owner.call(method, input);
            expect(reply.ok ? 'OK' : reply.code).toBe('BAD_REQUEST');
          }),
          { numRuns: 12 },
        );
      }
      expect(t.rowCounts()).toEqual(before);
    });

    it('lock ends the session; a wrong password is refused; the right one opens it again', async () => {
      await data(owner.call('vault.lock', {}));
      expect(await code(owner.call('messages.list', {}))).toBe('UNAUTHORIZED');
      expect(await data(owner.call('vault.status'))).toMatchObject({ exists: true, unlocked: false });
      expect(await code(owner.call('vault.unlock', { password: 'not the password' }))).toBe('WRONG_PASSWORD');
      await data(owner.call('vault.unlock', { password: SUITE_PASSWORD }));
      expect((await data<{ total: number }>(owner.call('messages.list', {}))).total).toBe(3);
    });
  });
}
