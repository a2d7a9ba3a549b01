import { BadRequestError } from '../errors.js';
import { describeIssue, emailSchema } from '../../../shared/validation.js';
import { testChannel } from '../delivery/channel-test.js';
import { readOwner, SETTINGS, smtpSettingsSchema } from '../delivery/owner-settings.js';
import { generateWebhookSecret } from '../delivery/webhook-sender.js';
import { autoLockMinutesOf, UI_SETTINGS } from './auto-lock-setting.js';
import { statusForMonitor } from '../schedule/status-for-monitor.js';
import { readStatus } from '../schedule/status.js';
import { PromptNotifier } from '../delivery/prompt-notifier.js';
import type { SendResult } from '../delivery/delivery-types.js';
import type { SmtpSettings } from '../delivery/email-sender.js';
import type { ParsedInput } from '../../../shared/contract/methods.js';
import type { VaultServices } from '../services.js';
import { sendTestToOwner } from '../test-send.js';
import type { AppCore } from './app-core.js';
import type { HandlerGroup } from './handlers.js';

type EngineMethods =
  | 'plans.pause'
  | 'plans.resume'
  | 'plans.stop'
  | 'checkin'
  | 'status.get'
  | 'messages.testSend'
  | 'channels.get'
  | 'channels.setSmtp'
  | 'channels.addWebhook'
  | 'channels.updateWebhook'
  | 'channels.removeWebhook'
  | 'channels.test'
  | 'settings.get'
  | 'settings.set'
  | 'tokens.list'
  | 'tokens.create'
  | 'tokens.delete';

const done = { ok: true } as const;

const sendResult = (r: SendResult) => (r.ok ? { ok: true, errorCode: null, response: r.response } : { ok: false, errorCode: r.errorCode, response: r.response });

function readSettings(services: VaultServices) {
  const { settings } = services;
  return {
    autoLockMinutes: autoLockMinutesOf(settings),
    startAtLogin: settings.get<boolean>(UI_SETTINGS.startAtLogin) ?? true,
    publicUrl: settings.get<string>(SETTINGS.publicUrl) ?? null,
    owner: readOwner(settings),
  };
}

/**
 * Mail server settings as entered: the stored password stays when none is given (it never goes
 * back to the UI), an account without a user has none, and a stored CA file is kept.
 */
function smtpFromInput(settings: VaultServices['settings'], input: ParsedInput<'channels.setSmtp'>): SmtpSettings {
  const previous = smtpSettingsSchema.safeParse(settings.get(SETTINGS.smtp));
  const password = input.password === undefined ? (previous.success ? previous.data.password : null) : input.password;
  const ca = previous.success ? previous.data.ca : undefined;
  const parsed = smtpSettingsSchema.safeParse({ ...input, password: input.user ? password : null, ...(ca ? { ca } : {}) });
  if (!parsed.success) throw new BadRequestError(describeIssue(parsed.error));
  return parsed.data;
}

/** Check-in tokens act without the owner's UI session: they need only the key the scheduler holds. */
function servicesFor(app: AppCore, role: string): VaultServices {
  return role === 'owner' ? app.unlockedServices() : app.keyedServices();
}

export const engineHandlers: HandlerGroup<EngineMethods> = {
  'plans.pause': ({ until }, { app }) => {
    app.unlockedServices();
    return { transitions: app.engineOrThrow().scheduler.pauseUntil(until) };
  },
  'plans.resume': (_input, { app }) => {
    app.unlockedServices();
    return { transitions: app.engineOrThrow().scheduler.resume() };
  },
  'plans.stop': async ({ recoveryKey }, { app }) => {
    const { vault } = app.unlockedServices();
    await vault.unlockWithRecoveryKey(recoveryKey, { ownerSignedIn: true });
    return { transitions: app.engineOrThrow().scheduler.emergencyStop() };
  },
  checkin: (_input, { app, caller }) => {
    const services = servicesFor(app, caller.role);
    const transitions = app.engineOrThrow().scheduler.checkIn(`${caller.transport}:${caller.role}`);
    return { at: services.clock.now(), transitions };
  },
  'status.get': (_input, { app, caller }) => {
    const services = servicesFor(app, caller.role);
    const report = readStatus(services, app.engineOrThrow().outbox, services.clock.now());
    return caller.role === 'owner' ? report : statusForMonitor(report, services.webhooks.idsByName());
  },
  'messages.testSend': async ({ id }, { app }) => {
    const result = await sendTestToOwner(app.engineOrThrow(), app.unlockedServices(), id);
    if (result.state === 'sent') return { ok: true, errorCode: null, response: 'sent to you' };
    if (result.state === 'elsewhere') return { ok: true, errorCode: null, response: 'being sent by Afterword running elsewhere' };
    return { ok: false, errorCode: result.error?.split(':')[0] ?? 'NOT_SENT', response: result.error ?? 'not sent' };
  },

  'channels.get': (_input, { app }) => {
    const { settings, webhooks } = app.unlockedServices();
    const smtp = smtpSettingsSchema.safeParse(settings.get(SETTINGS.smtp));
    return {
      smtp: smtp.success
        ? { host: smtp.data.host, port: smtp.data.port, tls: smtp.data.tls, user: smtp.data.user, from: smtp.data.from, passwordSet: smtp.data.password !== null }
        : null,
      webhooks: webhooks.list().map((w) => ({
        id: w.id,
        name: w.name,
        url: w.url,
        secret: w.secret,
        allowPrivateNetwork: w.allowPrivateNetwork,
        privateNetworkKept: w.privateNetworkKept,
      })),
      deliverySigningSecret: settings.get<string>('deliverySigningSecret') ?? null,
    };
  },
  'channels.setSmtp': (input, { app }) => {
    const { settings } = app.unlockedServices();
    settings.set(SETTINGS.smtp, smtpFromInput(settings, input));
    return done;
  },
  'channels.addWebhook': ({ name, url, allowPrivateNetwork }, { app }) => {
    const added = app.unlockedServices().webhooks.add(name, url, generateWebhookSecret(), { allowPrivateNetwork: allowPrivateNetwork === true });
    return { id: added.id, secret: added.secret };
  },
  'channels.updateWebhook': ({ name, allowPrivateNetwork }, { app }) => {
    app.unlockedServices().webhooks.setAllowPrivateNetwork(name, allowPrivateNetwork);
    return done;
  },
  'channels.removeWebhook': ({ name }, { app }) => {
    app.unlockedServices().webhooks.remove(name);
    return done;
  },
  /** With `smtp`: the e-mail test uses those settings (the form on the screen, not saved yet). */
  'channels.test': async ({ channel, smtp }, { app }) => {
    const services = app.unlockedServices();
    if (smtp && channel !== 'email' && channel !== 'smtp') throw new BadRequestError('mail server settings can only be tested on the e-mail channel');
    const notifier = app.deps.notifier ?? new PromptNotifier(services.vault.db, services.clock);
    return sendResult(await testChannel(services, channel, { notifier }, smtp ? { smtp: smtpFromInput(services.settings, smtp) } : {}));
  },

  'settings.get': (_input, { app }) => readSettings(app.unlockedServices()),
  'settings.set': (input, { app }) => {
    const services = app.unlockedServices();
    const { settings } = services;
    if (input.autoLockMinutes !== undefined) settings.set(UI_SETTINGS.autoLockMinutes, input.autoLockMinutes);
    if (input.startAtLogin !== undefined) settings.set(UI_SETTINGS.startAtLogin, input.startAtLogin);
    if (input.publicUrl !== undefined) settings.set(SETTINGS.publicUrl, input.publicUrl);
    if (input.owner !== undefined) {
      if (input.owner === null) settings.set(SETTINGS.owner, null);
      else {
        const email = emailSchema.safeParse(input.owner.email);
        if (!email.success) throw new BadRequestError(describeIssue(email.error));
        settings.set(SETTINGS.owner, { email: email.data, name: input.owner.name });
      }
    }
    return readSettings(services);
  },

  'tokens.list': (_input, { app }) => app.unlockedServices().tokens.list(),
  'tokens.create': ({ role, label }, { app }) => app.unlockedServices().tokens.create(role, label),
  'tokens.delete': ({ id }, { app }) => {
    app.unlockedServices().tokens.remove(id);
    return done;
  },
};
