import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { exportInputSchema } from '../../../../shared/contract/backup-dto.js';
import { describeIssue } from '../../../../shared/validation.js';
import { BadRequestError, ConflictError } from '../../../core/errors.js';
import { writeExport, type ExportTarget } from '../../../core/export/export-writer.js';
import type { CliContext, Env } from '../cli-context.js';
import { formatBytes } from '../output.js';
import { newSecretTypedTwice } from '../secrets.js';

/** The shell's code for a program stopped by Ctrl-C (128 + SIGINT). */
const EXIT_INTERRUPTED = 130;

interface ExportFlags {
  out: string;
  passphrase?: boolean;
  recipient?: string;
}

/** AFTERWORD_EXPORT_PASSPHRASE, else typed twice on the terminal (never a flag: it would land in the shell's history). */
const exportPassphrase = (env: Env): Promise<string> =>
  newSecretTypedTwice(env.AFTERWORD_EXPORT_PASSPHRASE, {
    noun: 'passphrase for the export',
    envName: 'AFTERWORD_EXPORT_PASSPHRASE',
    mismatch: 'the two passphrases differ: nothing was written, try again',
  });

async function targetOf(flags: ExportFlags, extra: readonly string[], env: Env): Promise<ExportTarget> {
  if (flags.passphrase && extra.length > 0) {
    throw new BadRequestError(
      '--passphrase takes no value: the passphrase comes from AFTERWORD_EXPORT_PASSPHRASE or is asked twice (on the command line it would stay in your shell history)',
    );
  }
  if (extra.length > 0) throw new BadRequestError(`unexpected argument ${extra[0]} (run with --help for usage)`);
  if (Boolean(flags.passphrase) === (flags.recipient !== undefined)) {
    throw new BadRequestError(
      'choose how the export is encrypted: --passphrase (asked, or AFTERWORD_EXPORT_PASSPHRASE) or --recipient age1… (an age public key)',
    );
  }
  const input = flags.passphrase ? { passphrase: await exportPassphrase(env) } : { recipient: flags.recipient };
  const parsed = exportInputSchema().safeParse(input);
  if (!parsed.success) throw new BadRequestError(describeIssue(parsed.error));
  return parsed.data;
}

/** The destination must be a new file in an existing folder: an export never replaces a file. */
async function checkDestination(out: string): Promise<void> {
  const existing = await stat(out).catch(() => null);
  if (existing) throw new ConflictError(`${out} already exists: choose another --out path or remove it`);
  const folder = await stat(dirname(out)).catch(() => null);
  if (!folder?.isDirectory())
    throw new BadRequestError(`cannot write ${out}: the folder ${dirname(out)} does not exist`);
}

export function registerExportCommand(program: Command, context: () => CliContext): void {
  program
    .command('export')
    .description(
      'everything readable (messages, recipients, attachments, plans) as a tar encrypted for the stock age tool',
    )
    .requiredOption('--out <file>', 'the file to write, e.g. afterword-export.tar.age (never overwritten)')
    .option('--passphrase', 'encrypt with a passphrase (AFTERWORD_EXPORT_PASSPHRASE, else asked twice)')
    .option('--recipient <age1…>', 'encrypt for an age public key (from age-keygen)')
    .allowExcessArguments(true)
    .action(async (flags: ExportFlags, command: Command) => {
      const ctx = context();
      const out = resolve(flags.out);
      await checkDestination(out);
      const target = await targetOf(flags, command.args, ctx.env);
      // Ctrl-C (or SIGTERM) stops the export cleanly: its temporary file is removed, nothing is left.
      const interrupted = new AbortController();
      const stop = (): void => interrupted.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      let written;
      try {
        written = await ctx.withRouter((_rpc, core) =>
          writeExport(core.unlockedServices(), target, out, { now: ctx.clock.now(), signal: interrupted.signal }),
        );
      } catch (error) {
        if (!interrupted.signal.aborted) throw error;
        ctx.out.note(`afterword: export interrupted: nothing was written to ${out}`);
        process.exitCode = EXIT_INTERRUPTED;
        return;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      const how = 'passphrase' in target ? '-p' : '-i key.txt';
      ctx.out.result({ out, bytes: written.size, messages: written.messages, attachments: written.attachments }, () =>
        [
          `Exported ${written.messages} message(s) and ${written.attachments} attachment(s) to ${out} (${formatBytes(written.size)}, encrypted with age).`,
          `Open it without Afterword: age -d ${how === '-p' ? '' : `${how} `}-o afterword-export.tar ${out} && tar xf afterword-export.tar`,
          'The unpacked files are not encrypted: keep them safe and delete them when you are done.',
        ].join('\n'),
      );
    });
}
