import { BadRequestError } from '../errors.js';
import { describeIssue, emailSchema } from '../../../shared/validation.js';
import { testChannel } from '../delivery/channel-test.js';
import { readOwner, SETTINGS, smtpSettingsSchema } from '../delivery/owner-settings.js';
import { generateWebhookSecret } from '../delivery/webhook-secret.js';
import { autoLockMinutesOf, UI_SETTINGS } from './auto-lock-setting.js';
import { statusForMonitor } from '../schedule/status-for-monitor.js';
import { statusReport } from './owner-status.js';
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
  | 'scheduler.tick'
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

const sendResult = (r: SendResult) =>
  r.ok
    ? { ok: true, errorCode: null, response: r.response }
    : {
        ok: false,
        errorCode: r.errorCode,
        response: r.response,
        permanent: r.permanent,
        ...(r.retryAfterMs !== undefined ? { retryAfterMs: r.retryAfterMs } : {}),
      };

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
 * Mail server settings as entered (the UI's form, `afterword channel smtp`). The stored password
 * never goes back to a client, so an omitted one means "keep it" — but only for the same login on
 * the same server: it is never sent to a server or an account it was not given for. An account
 * without a user has none. Omitted CA certificates keep the stored ones; null removes them.
 */
function smtpFromInput(settings: VaultServices['settings'], input: ParsedInput<'channels.setSmtp'>): SmtpSettings {
  const stored = smtpSettingsSchema().safeParse(settings.get(SETTINGS.smtp));
  const previous = stored.success ? stored.data : null;
  const sameAccount = previous !== null && previous.host === input.host && previous.user === input.user;
  const password = input.password !== undefined ? input.password : sameAccount ? previous.password : null;
  if (input.user && input.password === undefined && !sameAccount && previous?.password) {
    throw new BadRequestError(
      `type the password of ${input.user} at ${input.host}: the stored one belongs to another server or login`,
    );
  }
  const ca = input.ca === undefined ? previous?.ca : (input.ca ?? undefined);
  const { ca: _givenCa, ...fields } = input;
  const parsed = smtpSettingsSchema().safeParse({
    ...fields,
    password: input.user ? password : null,
    ...(ca ? { ca } : {}),
  });
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
    const report = statusReport(app, services);
    return caller.role === 'owner' ? report : statusForMonitor(report, services.webhooks.idsByName());
  },
  'messages.testSend': async ({ id }, { app }) => {
    const { state, drain, error } = await sendTestToOwner(app.engineOrThrow(), app.unlockedServices(), id);
    if (state === 'sent') return { ok: true, errorCode: null, response: 'sent to you', state, drain };
    if (state === 'elsewhere')
      return { ok: true, errorCode: null, response: 'being sent by Afterword running elsewhere', state, drain };
    return { ok: false, errorCode: error?.split(':')[0] ?? 'NOT_SENT', response: error ?? 'not sent', state, drain };
  },
  /** The pass is named after the transport that asked for it (`cli`), as the status shows the last tick's source. */
  'scheduler.tick': (_input, { app, caller }) => app.runSchedulerPass(caller.transport),

  'channels.get': (_input, { app }) => {
    const { settings, webhooks } = app.unlockedServices();
    const smtp = smtpSettingsSchema().safeParse(settings.get(SETTINGS.smtp));
    return {
      smtp: smtp.success
        ? {
            host: smtp.data.host,
            port: smtp.data.port,
            tls: smtp.data.tls,
            user: smtp.data.user,
            from: smtp.data.from,
            passwordSet: smtp.data.password !== null,
          }
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
    const added = app
      .unlockedServices()
      .webhooks.add(name, url, generateWebhookSecret(), { allowPrivateNetwork: allowPrivateNetwork === true });
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
    if (smtp && channel !== 'email' && channel !== 'smtp')
      throw new BadRequestError('mail server settings can only be tested on the e-mail channel');
    const notifier = app.deps.notifier ?? new PromptNotifier(services.vault.db, services.clock);
    return sendResult(
      await testChannel(services, channel, { notifier }, smtp ? { smtp: smtpFromInput(services.settings, smtp) } : {}),
    );
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
        const email = emailSchema().safeParse(input.owner.email);
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
