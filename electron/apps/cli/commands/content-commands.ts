import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { BadRequestError } from '../../../core/errors.js';
import { parseDuration } from '../../../../shared/durations.js';
import { downloadTo, withUploadedFiles } from '../attachment-files.js';
import type { CliContext } from '../cli-context.js';
import { existingId } from '../existing-id.js';
import { formatBytes, isoTime, table } from '../output.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function durationOption(name: string) {
  return (value: string): number => {
    if (value.trim() === '0') return 0;
    try {
      return parseDuration(value);
    } catch (error) {
      throw new BadRequestError(`${name}: ${(error as Error).message}`);
    }
  };
}

function intOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new BadRequestError(`${name} must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

async function bodyFrom(opts: { body?: string; bodyFile?: string }): Promise<string | undefined> {
  if (opts.body !== undefined && opts.bodyFile !== undefined) {
    throw new BadRequestError('give either --body or --body-file, not both');
  }
  if (opts.bodyFile === undefined) return opts.body;
  try {
    return await readFile(opts.bodyFile, 'utf8');
  } catch {
    throw new BadRequestError(`cannot read ${opts.bodyFile}: check the path`);
  }
}

/** `--html-file`: the same text with formatting (sanitized by the core before it is stored). */
async function htmlFrom(opts: { htmlFile?: string }): Promise<string | undefined> {
  if (opts.htmlFile === undefined) return undefined;
  try {
    return await readFile(opts.htmlFile, 'utf8');
  } catch {
    throw new BadRequestError(`cannot read ${opts.htmlFile}: check the path`);
  }
}

export function registerContentCommands(program: Command, context: () => CliContext): void {
  const message = program.command('message').description('write, read and manage messages');

  message
    .command('add')
    .description('add a message')
    .requiredOption('--title <title>', 'the subject recipients will see')
    .option('--body <text>', 'the message text')
    .option('--body-file <file>', 'read the message text from a file')
    .option('--html-file <file>', 'the same text with formatting, as HTML (only simple formatting and links are kept)')
    .option('--to <recipientId>', 'a recipient (repeatable)', collect, [])
    .option('--attach <file>', 'attach a file (repeatable)', collect, [])
    .option('--draft', 'keep it as a draft (never delivered until activated)')
    .option('--plan <planId>', 'the warning plan (default: the default plan)')
    .option(
      '--delay <duration>',
      'wait this long after the plan fires before delivering, e.g. 7d',
      durationOption('--delay'),
    )
    .action(
      async (opts: {
        title: string;
        body?: string;
        bodyFile?: string;
        htmlFile?: string;
        to: string[];
        attach: string[];
        draft?: boolean;
        plan?: string;
        delay?: number;
      }) => {
        const ctx = context();
        const body = await bodyFrom(opts);
        if (body === undefined) throw new BadRequestError('a message needs --body or --body-file');
        const bodyHtml = await htmlFrom(opts);
        const { id } = await ctx.withRouter((rpc) =>
          withUploadedFiles(rpc, opts.attach, (uploadIds) =>
            rpc('messages.create', {
              title: opts.title,
              body,
              bodyHtml: bodyHtml ?? null,
              recipientIds: opts.to.map((to) => existingId('recipient', to)),
              uploadIds,
              status: opts.draft ? 'draft' : 'active',
              planId: opts.plan === undefined ? null : existingId('plan', opts.plan),
              deliveryDelayMs: opts.delay ?? 0,
            }),
          ),
        );
        ctx.out.result({ id }, () => `Message ${id} saved.`);
      },
    );

  message
    .command('list')
    .description('list messages, newest first')
    .option('--limit <n>', 'how many', intOption('--limit', 1, 500), 50)
    .option('--offset <n>', 'skip this many', intOption('--offset', 0, Number.MAX_SAFE_INTEGER), 0)
    .action(async (opts: { limit: number; offset: number }) => {
      const ctx = context();
      const page = await ctx.withRouter((rpc) => rpc('messages.list', { limit: opts.limit, offset: opts.offset }));
      ctx.out.result(page, () =>
        page.items.length === 0
          ? 'No messages yet. Add one with: afterword message add --title T --body TEXT'
          : table([
              ['ID', 'STATUS', 'TO', 'FILES', 'UPDATED', 'TITLE'],
              ...page.items.map((m) => [
                m.id,
                m.status,
                String(m.recipientCount),
                String(m.attachmentCount),
                isoTime(m.updatedAt),
                m.damaged ? `DAMAGED: ${m.damaged}` : m.title,
              ]),
            ]) + `\n(${page.items.length} of ${page.total})`,
      );
      const damaged = page.items.filter((m) => m.damaged).length;
      if (damaged > 0)
        ctx.out.note(
          `afterword: ${damaged === 1 ? '1 message is' : `${damaged} messages are`} damaged and cannot be read: run \`afterword doctor\``,
        );
    });

  message
    .command('show <id>')
    .description('show one message')
    .action(async (id: string) => {
      const ctx = context();
      const detail = await ctx.withRouter((rpc) => rpc('messages.get', { id: existingId('message', id) }));
      ctx.out.result(detail, () =>
        [
          `${detail.title}  [${detail.status}]  ${detail.id}`,
          `To: ${detail.recipients.map((r) => `${r.name} <${r.contact}> (${r.id})`).join(', ') || '(nobody yet)'}`,
          ...detail.attachments.map((a) => `Attachment: ${a.name} (${formatBytes(a.size)}, ${a.id})`),
          '',
          detail.body,
        ].join('\n'),
      );
    });

  message
    .command('edit <id>')
    .description('change a message')
    .option('--title <title>', 'new title')
    .option('--body <text>', 'new text')
    .option('--body-file <file>', 'read the new text from a file')
    .option('--html-file <file>', 'the text with formatting, as HTML (a new text without it drops the formatting)')
    .option('--to <recipientId>', 'replace the recipients (repeatable)', collect, [])
    .option('--attach <file>', 'add an attachment (repeatable)', collect, [])
    .option('--detach <attachmentId>', 'remove an attachment (repeatable)', collect, [])
    .option('--status <status>', 'draft | active | paused')
    .option('--plan <planId>', 'move it to another warning plan')
    .option('--delay <duration>', 'delivery delay after the plan fires, e.g. 7d', durationOption('--delay'))
    .action(
      async (
        id: string,
        opts: {
          title?: string;
          body?: string;
          bodyFile?: string;
          htmlFile?: string;
          to: string[];
          attach: string[];
          detach: string[];
          status?: string;
          plan?: string;
          delay?: number;
        },
      ) => {
        const ctx = context();
        const body = await bodyFrom(opts);
        const bodyHtml = await htmlFrom(opts);
        if (opts.status !== undefined && !['draft', 'active', 'paused'].includes(opts.status)) {
          throw new BadRequestError('--status must be draft, active or paused');
        }
        const nothing =
          opts.title === undefined &&
          body === undefined &&
          bodyHtml === undefined &&
          opts.to.length === 0 &&
          opts.attach.length === 0 &&
          opts.detach.length === 0 &&
          opts.status === undefined &&
          opts.plan === undefined &&
          opts.delay === undefined;
        if (nothing)
          throw new BadRequestError(
            'nothing to change: give --title, --body, --html-file, --to, --attach, --detach, --status, --plan or --delay',
          );
        await ctx.withRouter((rpc) =>
          withUploadedFiles(rpc, opts.attach, (addUploadIds) =>
            rpc('messages.update', {
              id: existingId('message', id),
              title: opts.title,
              body,
              bodyHtml,
              recipientIds: opts.to.length > 0 ? opts.to.map((to) => existingId('recipient', to)) : undefined,
              addUploadIds,
              removeAttachmentIds: opts.detach.map((attachmentId) => existingId('attachment', attachmentId)),
              status: opts.status as 'draft' | 'active' | 'paused' | undefined,
              planId: opts.plan === undefined ? undefined : existingId('plan', opts.plan),
              deliveryDelayMs: opts.delay,
            }),
          ),
        );
        ctx.out.result({ id }, () => `Message ${id} updated.`);
      },
    );

  message
    .command('rm <id>')
    .description('delete a message and its attachments')
    .action(async (id: string) => {
      const ctx = context();
      await ctx.withRouter((rpc) => rpc('messages.delete', { id: existingId('message', id) }));
      ctx.out.result({ id, removed: true }, () => `Message ${id} deleted.`);
    });

  program
    .command('attachment')
    .description('attachments of a message')
    .command('get <messageId> <attachmentId>')
    .description('decrypt an attachment to a file')
    .requiredOption('--out <file>', 'where to write it (must not exist unless --force)')
    .option('--force', 'overwrite --out if it exists')
    .action(async (messageId: string, attachmentId: string, opts: { out: string; force?: boolean }) => {
      const ctx = context();
      const info = await ctx.withRouter((rpc) =>
        downloadTo(
          rpc,
          existingId('message', messageId),
          existingId('attachment', attachmentId),
          opts.out,
          Boolean(opts.force),
        ),
      );
      ctx.out.result({ ...info, out: opts.out }, () => `Wrote ${info.name} (${formatBytes(info.size)}) to ${opts.out}`);
    });

  const recipient = program.command('recipient').description('the address book');
  recipient
    .command('add')
    .description('add a recipient')
    .requiredOption('--name <name>', 'who this is')
    .option('--email <address>', 'deliver by e-mail')
    .option('--webhook <url>', 'deliver to a webhook (https)')
    .option('--allow-private-network', 'the webhook is on your own network: allow loopback and private addresses')
    .action(async (opts: { name: string; email?: string; webhook?: string; allowPrivateNetwork?: boolean }) => {
      const ctx = context();
      if ((opts.email === undefined) === (opts.webhook === undefined)) {
        throw new BadRequestError('give exactly one of --email or --webhook');
      }
      if (opts.allowPrivateNetwork && opts.webhook === undefined)
        throw new BadRequestError('--allow-private-network goes with --webhook');
      const input =
        opts.email !== undefined
          ? ({ type: 'email', name: opts.name, contact: opts.email } as const)
          : ({
              type: 'webhook',
              name: opts.name,
              contact: opts.webhook!,
              allowPrivateNetwork: opts.allowPrivateNetwork === true,
            } as const);
      const added = await ctx.withRouter((rpc) => rpc('recipients.create', input));
      ctx.out.result({ id: added.id }, () => `Recipient ${added.id} added.`);
    });

  recipient
    .command('list')
    .description('list recipients')
    .action(async () => {
      const ctx = context();
      const all = await ctx.withRouter((rpc) => rpc('recipients.list', {}));
      ctx.out.result(all, () =>
        all.length === 0
          ? 'No recipients yet. Add one with: afterword recipient add --name N --email ADDR'
          : table([['ID', 'TYPE', 'NAME', 'CONTACT'], ...all.map((r) => [r.id, r.type, r.name, r.contact])]),
      );
    });

  recipient
    .command('edit <id>')
    .description('rename a recipient or correct their address')
    .option('--name <name>', 'who this is')
    .option('--email <address>', 'the new e-mail address (e-mail recipients)')
    .option('--webhook <url>', 'the new webhook URL (webhook recipients)')
    .option('--allow-private-network', 'the webhook is on your own network: allow loopback and private addresses')
    .option('--no-allow-private-network', 'the webhook is not on your own network')
    .action(
      async (id: string, opts: { name?: string; email?: string; webhook?: string; allowPrivateNetwork?: boolean }) => {
        const ctx = context();
        if (opts.email !== undefined && opts.webhook !== undefined)
          throw new BadRequestError('give at most one of --email or --webhook');
        const contact = opts.email ?? opts.webhook;
        const allowPrivateNetwork = opts.allowPrivateNetwork;
        if (opts.name === undefined && contact === undefined && allowPrivateNetwork === undefined) {
          throw new BadRequestError(
            'nothing to change: give --name, --email, --webhook or --[no-]allow-private-network',
          );
        }
        const updated = await ctx.withRouter(async (rpc) => {
          const current = (await rpc('recipients.list', {})).find((r) => r.id === existingId('recipient', id));
          if (current && contact !== undefined && (opts.email !== undefined) !== (current.type === 'email')) {
            throw new BadRequestError(
              `recipient ${id} is reached by ${current.type}: use --${current.type === 'email' ? 'email' : 'webhook'}`,
            );
          }
          if (current && allowPrivateNetwork !== undefined && current.type !== 'webhook')
            throw new BadRequestError('--[no-]allow-private-network is for webhook recipients');
          return rpc('recipients.update', {
            id,
            name: opts.name,
            contact,
            ...(allowPrivateNetwork !== undefined ? { allowPrivateNetwork } : {}),
          });
        });
        ctx.out.result(updated, () => `Recipient ${updated.id} updated: ${updated.name} <${updated.contact}>.`);
      },
    );

  recipient
    .command('rm <id>')
    .description('remove a recipient (refused while a message goes to them)')
    .action(async (id: string) => {
      const ctx = context();
      await ctx.withRouter((rpc) => rpc('recipients.delete', { id: existingId('recipient', id) }));
      ctx.out.result({ id, removed: true }, () => `Recipient ${id} removed.`);
    });
}
