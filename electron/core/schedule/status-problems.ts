import type { StatusProblem } from '../../../shared/status-problems.js';

/** The status problems (shared/status-problems.ts), each with its English sentence for the CLI. */
export const statusProblem = {
  ownerEmailMissing: (plan: { id: string; name: string }): StatusProblem => ({
    code: 'OWNER_EMAIL_MISSING',
    params: { plan: plan.name, planId: plan.id },
    message: `plan "${plan.name}" warns by e-mail but no owner e-mail is set: run \`afterword owner set --email ADDR\``,
  }),
  planSmtpMissing: (plan: { id: string; name: string }): StatusProblem => ({
    code: 'PLAN_SMTP_MISSING',
    params: { plan: plan.name, planId: plan.id },
    message: `plan "${plan.name}" warns by e-mail but no SMTP account is set: run \`afterword channel smtp …\``,
  }),
  recipientsSmtpMissing: (): StatusProblem => ({
    code: 'RECIPIENTS_SMTP_MISSING',
    params: {},
    message: 'messages go to e-mail recipients but no SMTP account is set: run `afterword channel smtp …`',
  }),
  planWebhookMissing: (plan: { id: string; name: string }, webhook: string | null): StatusProblem => ({
    code: 'PLAN_WEBHOOK_MISSING',
    params: { plan: plan.name, planId: plan.id, webhook: webhook ?? '' },
    message: webhook
      ? `plan "${plan.name}" warns through the webhook "${webhook}", which is not set up: run \`afterword channel webhook add --name ${webhook} --url URL\` or edit the plan`
      : `plan "${plan.name}" warns through webhooks but none is set up: run \`afterword channel webhook add --name N --url URL\` or edit the plan`,
  }),
  auditHistoryBroken: (newest: { seq: number; at: number }, count: number): StatusProblem => ({
    code: 'AUDIT_HISTORY_BROKEN',
    params: { seq: newest.seq, at: newest.at },
    message: `the audit history was cut or rewritten (${count === 1 ? 'found once' : `found ${count} times`}, last at row ${newest.seq}): run \`afterword audit verify\` and check your messages and plans`,
  }),
  attachmentDamaged: (p: { messageId: string; attachmentId: string; problem: string }): StatusProblem => ({
    code: 'ATTACHMENT_DAMAGED',
    params: { messageId: p.messageId, attachmentId: p.attachmentId },
    message: `attachment ${p.attachmentId} of message ${p.messageId}: ${p.problem}; it would be left out of the delivery: attach the file again (afterword message edit ${p.messageId} --detach ${p.attachmentId} --attach FILE) or restore a backup`,
  }),
  setupUnfinished: (setup: { recoveryKeyConfirmed: boolean; ownerEmailSet: boolean }): StatusProblem => ({
    code: 'SETUP_UNFINISHED',
    params: { recoveryKeyConfirmed: setup.recoveryKeyConfirmed ? 1 : 0, ownerEmailSet: setup.ownerEmailSet ? 1 : 0 },
    message: [
      'setup is not finished:',
      [
        setup.recoveryKeyConfirmed
          ? null
          : 'the recovery key was never confirmed (finish the first run in the app, or make a new key under Security)',
        setup.ownerEmailSet ? null : 'no owner e-mail is set (run `afterword owner set --email ADDR`)',
      ]
        .filter(Boolean)
        .join('; '),
    ].join(' '),
  }),
  privateNetworkKept: (kind: 'webhook' | 'recipient', name: string): StatusProblem => ({
    code: 'PRIVATE_NETWORK_KEPT',
    params: { kind, name },
    message:
      kind === 'webhook'
        ? `the webhook "${name}" may reach this machine and your private network only because it was set up before that check: say whether it is on your own network (afterword channel webhook edit ${name} --allow-private-network, or --no-allow-private-network)`
        : `recipient ${name}'s webhook may reach this machine and your private network only because it was set up before that check: say whether it is on your own network (afterword recipient edit ${name} --allow-private-network, or --no-allow-private-network)`,
  }),
  schedulerStale: (): StatusProblem => ({
    code: 'SCHEDULER_STALE',
    params: {},
    message:
      'the scheduler has not run for two days: keep `npm start` or `afterword run` going, or call `afterword tick` from cron',
  }),
  backupFailing: (since: number, error: string): StatusProblem => ({
    code: 'BACKUP_FAILING',
    params: { since, error },
    message: `automatic backups have failed since ${new Date(since).toISOString()} (${error}): the bucket holds only an older copy: run \`afterword backup test\` to see which step fails, fix the target, then \`afterword backup now\``,
  }),
  standbyTookOver: (p: {
    runner: string;
    since: number;
    warningLevel: number | null;
    warningAt: number | null;
  }): StatusProblem => ({
    code: 'STANDBY_TOOK_OVER',
    params: {
      standby: p.runner,
      at: p.since,
      ...(p.warningLevel !== null && p.warningAt !== null ? { level: p.warningLevel, levelAt: p.warningAt } : {}),
    },
    message: `the standby "${p.runner}" took over warnings and deliveries on ${new Date(p.since).toISOString()}${
      p.warningLevel !== null && p.warningAt !== null
        ? ` (warning ${p.warningLevel} sent ${new Date(p.warningAt).toISOString()})`
        : ''
    }: this computer sends nothing while it does. If you are fine, check in (\`afterword checkin\`): the standby hands sending back`,
  }),
  restoredCopyPaused: (at: number, seq: number): StatusProblem => ({
    code: 'RESTORED_COPY_PAUSED',
    params: { at, seq },
    message: `this vault was restored from backup snapshot ${seq} on ${new Date(at).toISOString()}: its plans are paused and nothing is warned or delivered until you run \`afterword resume\` (once you are sure the original computer no longer runs)`,
  }),
};
