import type { Notifier } from '../ports/notifier.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { VaultServices } from '../services.js';
import type { ChannelSender, SendResult } from './delivery-types.js';
import { EmailSender, type SmtpSettings } from './email-sender.js';
import { readOwner, SETTINGS, smtpSettingsSchema } from './owner-settings.js';
import { WebhookSender } from './webhook-sender.js';

export interface ChannelTestPorts {
  notifier: Notifier;
  emailSenderFor?: (settings: SmtpSettings) => ChannelSender;
  webhookSender?: ChannelSender;
}

const TEST_TEXT = 'This is a test from Afterword. If you can read it, warnings through this channel will reach you.';

/**
 * Sends a real test through one channel now, bypassing the outbox so the owner sees the server's
 * answer at once: `email` (to the owner through the SMTP account — the stored one, or `unsaved.smtp`
 * as entered and not saved yet), `desktop`, or a webhook name.
 */
export async function testChannel(
  services: VaultServices,
  name: string,
  ports: ChannelTestPorts,
  unsaved: { smtp?: SmtpSettings } = {},
): Promise<SendResult> {
  const { settings, webhooks, vault } = services;
  const idempotencyKey = `test:${name}:${services.clock.now()}`;
  let result: SendResult;
  if (name === 'desktop') {
    await ports.notifier.notify({ kind: 'test', planId: null, level: 0, title: 'Afterword test', body: TEST_TEXT });
    result = { ok: true, response: 'shown' };
  } else if (name === 'email' || name === 'smtp') {
    const stored = smtpSettingsSchema().safeParse(settings.get(SETTINGS.smtp));
    const smtp = unsaved.smtp ?? (stored.success ? stored.data : null);
    if (!smtp) throw new BadRequestError('no SMTP account yet: run `afterword channel smtp --host … --from …` first');
    const owner = readOwner(settings);
    if (!owner) throw new BadRequestError('no owner e-mail yet: run `afterword owner set --email ADDR` first');
    const sender = ports.emailSenderFor?.(smtp) ?? new EmailSender(smtp);
    try {
      result = await sender.send({
        idempotencyKey,
        target: { type: 'email', to: owner.email, toName: owner.name },
        content: { kind: 'test', text: TEST_TEXT },
      });
    } finally {
      await sender.close?.();
    }
  } else {
    const hook = webhooks.findByName(name.replace(/^webhook:/, ''));
    if (!hook) throw new NotFoundError('channel', name);
    const sender = ports.webhookSender ?? new WebhookSender();
    result = await sender.send({
      idempotencyKey,
      target: {
        type: 'webhook',
        url: hook.url,
        secret: hook.secret,
        name: hook.name,
        allowPrivateNetwork: hook.allowPrivateNetwork,
      },
      content: { kind: 'test', text: TEST_TEXT },
    });
  }
  vault.db.q.transaction(() =>
    vault.audit.append({
      action: 'channel.tested',
      detail: { channel: name, ok: result.ok, ...(result.ok ? {} : { errorCode: result.errorCode }) },
    }),
  );
  return result;
}
