import type { Command } from 'commander';
import { describeIssue, emailSchema } from '../../../../shared/validation.js';
import { checkWebhookUrl } from '../../../../shared/webhook-url.js';
import { smtpSettingsInputSchema } from '../../../core/delivery/owner-settings.js';
import { BadRequestError, NotFoundError } from '../../../core/errors.js';
import { readCaFile } from '../ca-file.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';

/** Webhook names are at most this long (core/repo/webhooks.ts). */
const WEBHOOK_NAME_MAX = 40;

function privateNetworkNote(w: { allowPrivateNetwork: boolean; privateNetworkKept: boolean }): string {
  if (w.privateNetworkKept) return '  (may reach your own network: kept from before that check)';
  return w.allowPrivateNetwork ? '  (on your own network)' : '';
}

/** Who the owner is and how warnings reach them: `owner set`, `channel smtp|webhook|list|test`. */
export function registerChannelCommands(program: Command, context: () => CliContext): void {
  program
    .command('owner')
    .description('you, the owner')
    .command('set')
    .description('where warnings by e-mail go')
    .requiredOption('--email <address>', 'your e-mail address')
    .option('--name <name>', 'your name, shown to recipients')
    .action(async (opts: { email: string; name?: string }) => {
      const ctx = context();
      const email = emailSchema().safeParse(opts.email);
      if (!email.success) throw new BadRequestError(describeIssue(email.error));
      // Checked here too (the handler checks again), so a typo is reported before the password is asked.
      await ctx.withRouter((rpc) => rpc('settings.set', { owner: { email: email.data, name: opts.name ?? null } }));
      ctx.out.result({ ok: true }, () => 'Owner e-mail saved.');
    });

  const channel = program.command('channel').description('how warnings and messages leave this machine');
  channel
    .command('smtp')
    .description('your SMTP account (password from AFTERWORD_SMTP_PASSWORD)')
    .requiredOption('--host <host>', 'SMTP server')
    .requiredOption('--port <port>', 'port (465 implicit TLS, 587 STARTTLS, 25 local relay)')
    .option('--tls <mode>', 'implicit | starttls | none', 'starttls')
    .option('--user <user>', 'login (omit for no authentication)')
    .requiredOption('--from <address>', 'the sender address')
    .option('--ca-file <file>', 'extra CA certificate (PEM) for a self-hosted server')
    .action(async (opts: { host: string; port: string; tls: string; user?: string; from: string; caFile?: string }) => {
      const ctx = context();
      const ca = opts.caFile ? [await readCaFile(opts.caFile)] : undefined;
      // Every field is given: the password of --user (none without), the CA file or none.
      const input = {
        host: opts.host,
        port: Number(opts.port),
        tls: opts.tls as 'implicit' | 'starttls' | 'none',
        user: opts.user ?? null,
        password: opts.user ? (ctx.env.AFTERWORD_SMTP_PASSWORD ?? null) : null,
        from: opts.from,
        ca: ca ?? null,
      };
      // Checked here too (the handler checks again), so a typo is reported before the password is asked.
      const parsed = smtpSettingsInputSchema().safeParse({ ...input, ca: ca ?? undefined });
      if (!parsed.success) throw new BadRequestError(describeIssue(parsed.error));
      if (opts.user && input.password === null) {
        throw new BadRequestError('--user given but AFTERWORD_SMTP_PASSWORD is not set');
      }
      await ctx.withRouter((rpc) => rpc('channels.setSmtp', input));
      ctx.out.result({ ok: true }, () => 'SMTP account saved. Try it: afterword channel test email');
    });

  const webhook = channel.command('webhook').description('webhooks that receive your warnings');
  webhook
    .command('add')
    .description('add a webhook; prints its signing secret')
    .requiredOption('--name <name>', 'short name, used as webhook:NAME in plans')
    .requiredOption('--url <url>', 'https URL')
    .option(
      '--allow-private-network',
      'the webhook is on your own network (this machine, the LAN): allow loopback and private addresses',
    )
    .action(async (opts: { name: string; url: string; allowPrivateNetwork?: boolean }) => {
      const ctx = context();
      const allowPrivateNetwork = opts.allowPrivateNetwork === true;
      // Checked here too (the repo checks again), so a refused URL is reported before the password is asked.
      const checked = checkWebhookUrl(opts.url, { allowPrivateNetwork });
      if (!checked.ok) throw new BadRequestError(checked.message);
      const added = await ctx.withRouter((rpc) =>
        rpc('channels.addWebhook', { name: opts.name, url: opts.url, allowPrivateNetwork }),
      );
      ctx.out.result(
        { id: added.id, secret: added.secret },
        () => `Webhook ${opts.name} added (${added.id}).\nSigning secret (Standard Webhooks): ${added.secret}`,
      );
    });
  webhook
    .command('edit <name>')
    .description('say whether a webhook is on your own network')
    .option('--allow-private-network', 'it is on your own network: allow loopback and private addresses')
    .option('--no-allow-private-network', 'it is not: refuse loopback and private addresses')
    .action(async (name: string, opts: { allowPrivateNetwork?: boolean }) => {
      const ctx = context();
      if (opts.allowPrivateNetwork === undefined)
        throw new BadRequestError('nothing to change: give --allow-private-network or --no-allow-private-network');
      if (name.length > WEBHOOK_NAME_MAX) throw new NotFoundError('webhook', name);
      const allowPrivateNetwork = opts.allowPrivateNetwork;
      await ctx.withRouter((rpc) => rpc('channels.updateWebhook', { name, allowPrivateNetwork }));
      ctx.out.result({ name, allowPrivateNetwork }, () =>
        allowPrivateNetwork
          ? `Webhook ${name} may reach your own network.`
          : `Webhook ${name} may reach public addresses only.`,
      );
    });
  webhook
    .command('rm <name>')
    .description('remove a webhook')
    .action(async (name: string) => {
      const ctx = context();
      // A name longer than any webhook's names none (the contract refuses it as BAD_REQUEST).
      if (name.length > WEBHOOK_NAME_MAX) throw new NotFoundError('webhook', name);
      await ctx.withRouter((rpc) => rpc('channels.removeWebhook', { name }));
      ctx.out.result({ name, removed: true }, () => `Webhook ${name} removed.`);
    });

  channel
    .command('list')
    .description('list channels')
    .action(async () => {
      const ctx = context();
      const channels = await ctx.withRouter((rpc) => rpc('channels.get', {}));
      const { smtp } = channels;
      // The CLI's own shape (desktop, email without passwordSet), kept for scripts that read it.
      const data = {
        desktop: { enabled: true },
        email: smtp ? { host: smtp.host, port: smtp.port, tls: smtp.tls, user: smtp.user, from: smtp.from } : null,
        webhooks: channels.webhooks,
        deliverySigningSecret: channels.deliverySigningSecret,
      };
      ctx.out.result(data, () =>
        [
          'desktop   in-app prompt (and native notification in the desktop app)',
          `email     ${data.email ? `${data.email.host}:${data.email.port} (${data.email.tls}) from ${data.email.from}` : 'not configured'}`,
          ...data.webhooks.map((w) => `webhook   ${w.name}  ${w.url}${privateNetworkNote(w)}`),
          '',
          `Deliveries to recipient webhooks are signed with: ${data.deliverySigningSecret ?? '-'}`,
        ].join('\n'),
      );
    });

  channel
    .command('test <name>')
    .description('send a real test through a channel: email, desktop, or a webhook name')
    .action(async (name: string) => {
      const ctx = context();
      // A name longer than any webhook's names none (the contract refuses it as BAD_REQUEST).
      if (name.length > WEBHOOK_NAME_MAX) throw new NotFoundError('channel', name);
      const reply = await ctx.withRouter((rpc) => rpc('channels.test', { channel: name }));
      // The CLI's shape, kept for scripts that read it: no error code on success.
      const result = reply.ok
        ? { ok: true as const, response: reply.response }
        : { ...reply, ok: false as const, errorCode: reply.errorCode ?? 'UNKNOWN' };
      ctx.out.result(result, () =>
        result.ok
          ? `Sent. The server answered: ${result.response}`
          : `Failed (${result.errorCode}): ${result.response}`,
      );
      if (!result.ok) process.exitCode = EXIT.usage;
    });
}
