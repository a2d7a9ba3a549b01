import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleFromModules } from '../i18n/bundle';
import { formatDateTime, formatDuration, formatList } from '../i18n/format';
import { NAMESPACES } from '../i18n/namespaces';
import type { Translate } from '../i18n/useT';
import { auditDetailText, auditSubject, checkinSourceLabel, type AuditEntry, type AuditNames } from './audit-detail';

const EN = bundleFromModules(import.meta.glob('../i18n/en/*.json', { import: 'default', eager: true }));
const ZH = bundleFromModules(import.meta.glob('../i18n/zh-CN/*.json', { import: 'default', eager: true }));

/** The real bundles, so the words checked are the words shown. */
async function translator(language: 'en' | 'zh-CN'): Promise<Translate> {
  const instance = i18next.createInstance();
  await instance.init({
    lng: language,
    fallbackLng: 'en',
    ns: [...NAMESPACES],
    defaultNS: 'common',
    resources: { en: EN, 'zh-CN': ZH },
    interpolation: { escapeValue: false },
  });
  return instance.t as unknown as Translate;
}

const formats = (language: string) => ({
  dateTime: (ms: number) => formatDateTime(ms, language),
  duration: (ms: number) => formatDuration(ms, language),
  list: (items: readonly string[]) => formatList(items, language),
});

const names: AuditNames = {
  plans: { pln_aaaaaaaaaaaaaaaa: 'Default', pln_bbbbbbbbbbbbbbbb: 'Family' },
  messages: { msg_aaaaaaaaaaaaaaaa: 'For Anna' },
  recipients: {},
};
const row = (
  action: string,
  detail: Record<string, unknown> = {},
  entityType: string | null = null,
  entityId: string | null = null,
): AuditEntry => ({ action, detail, entityType, entityId });

/** What a reader must never see: ids, internal keys, raw transports. */
const INTERNAL =
  /pln_|msg_|rcp_|obx_|scryptLogN|deliverySigningSecret|checkinLinkSecret|http:owner|source:|\bfields\b|errorCode|undefined|\{\{/;

let en: Translate;
let zh: Translate;
beforeAll(async () => {
  [en, zh] = await Promise.all([translator('en'), translator('zh-CN')]);
});

describe('audit rows in words', () => {
  it('names what a row is about instead of its id, and says when it was deleted since', () => {
    expect(auditSubject(en, row('plan.transition', {}, 'plan', 'pln_aaaaaaaaaaaaaaaa'), names)).toBe(
      'Plan “Default plan”',
    );
    expect(auditSubject(zh, row('plan.transition', {}, 'plan', 'pln_aaaaaaaaaaaaaaaa'), names)).toBe('计划“默认计划”');
    expect(auditSubject(en, row('message.updated', {}, 'message', 'msg_aaaaaaaaaaaaaaaa'), names)).toBe(
      'Message “For Anna”',
    );
    expect(auditSubject(en, row('message.removed', {}, 'message', 'msg_zzzzzzzzzzzzzzzz'), names)).toBe(
      'A message deleted since',
    );
    expect(auditSubject(en, row('settings.changed', {}, 'setting', 'deliverySigningSecret'), names)).toBe(
      'Webhook signing key',
    );
    expect(auditSubject(en, row('outbox.sent', {}, 'outbox', 'obx_aaaaaaaaaaaaaaaa'), names)).toBeNull();
  });

  it('says where a check-in came from in words', () => {
    expect(checkinSourceLabel(en, 'http:owner')).toBe('From the app');
    expect(checkinSourceLabel(en, 'link:checkin')).toBe('With the link in a warning');
    expect(checkinSourceLabel(en, 'tray:checkin')).toBe('From the tray menu');
    expect(checkinSourceLabel(en, 'http:checkin')).toBe('With a check-in token');
    expect(checkinSourceLabel(zh, 'cli')).toBe('通过命令行');
    expect(auditDetailText(en, formats('en'), row('checkin', { source: 'http:owner', plans: 2 }))).toBe(
      'From the app · 2 plans start over',
    );
  });

  it('never shows "Waiting → Waiting" for a check-in: the reason says the wait starts again', () => {
    const text = auditDetailText(
      en,
      formats('en'),
      row('plan.transition', { from: 'waiting(1)', to: 'waiting(1)', reason: 'checked in' }),
    );
    expect(text).toBe('You checked in: the wait starts again from now');
    expect(
      auditDetailText(
        en,
        formats('en'),
        row('plan.transition', { from: 'scheduled', to: 'warning(1)', reason: 'warning 1 issued' }),
      ),
    ).toMatch(/^From ".+" to ".+" · Warning 1 was given$/);
  });

  it('words outbox results with the kind, the channel, the attempts and the reason', () => {
    expect(
      auditDetailText(
        en,
        formats('en'),
        row('outbox.failed', { kind: 'warning', channel: 'email', attempts: 3, errorCode: 'NO_OWNER_EMAIL' }),
      ),
    ).toMatch(/^Warning by e-mail · after 3 attempts · .+/);
    expect(
      auditDetailText(
        zh,
        formats('zh-CN'),
        row('outbox.sent', { kind: 'delivery', channel: 'webhook:phone', attempts: 1 }),
      ),
    ).toBe('投递（Webhook“phone”）');
  });

  it('leaves internal keys out of every detail, in both languages', () => {
    const rows = [
      row('vault.created', { scryptLogN: 17 }),
      row('vault.unlocked', { method: 'password', ui: true }),
      row('vault.unlock_failed', { method: 'password', failures: 3 }),
      row('vault.device_key_enabled', { backend: 'safeStorage:gnome_libsecret' }),
      row('checkin', { source: 'http:owner', plans: 1 }),
      row('plan.transition', { from: 'waiting(2)', to: 'sent', reason: 'every delivery finished' }),
      row('plan.updated', { fields: ['name', 'levels'] }),
      row('plans.paused', { until: Date.UTC(2030, 0, 1), plans: 2 }),
      row('clock.jump_detected', { jumpMs: -3_600_000, postponedDeliveries: 2, plans: 1 }),
      row('message.created', { recipients: 2, attachments: 1 }),
      row('message.updated', { fields: ['title', 'formatting', 'recipients', 'deliveryDelay'] }),
      row('recipient.updated', { fields: ['contact'] }),
      row('token.created', { role: 'checkin' }),
      row('channel.webhook_added', { name: 'phone' }),
      row('outbox.failed', {
        kind: 'test',
        channel: 'email',
        attempts: 1,
        errorCode: 'SOMETHING_NEW',
        recordedAfterRestart: true,
      }),
    ];
    for (const [t, language] of [
      [en, 'en'],
      [zh, 'zh-CN'],
    ] as const) {
      for (const r of rows)
        expect(auditDetailText(t, formats(language), r) ?? '', `${language} ${r.action}`).not.toMatch(INTERNAL);
    }
    expect(auditDetailText(en, formats('en'), row('vault.created', { scryptLogN: 17 }))).toBeNull();
    expect(
      auditDetailText(en, formats('en'), row('message.updated', { fields: ['title', 'formatting', 'recipients'] })),
    ).toBe('Changed: title, text, and recipients');
    expect(
      auditDetailText(zh, formats('zh-CN'), row('message.updated', { fields: ['title', 'formatting', 'recipients'] })),
    ).toBe('已更改：标题、正文和收件人');
  });
});
