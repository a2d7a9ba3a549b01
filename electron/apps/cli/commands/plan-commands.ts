import type { Command } from 'commander';
import { formatDuration } from '../../../../shared/durations.js';
import { timelineEventText } from '../../../../shared/plan-events.js';
import { assertLevelCount, parseLevel, PlanSpecError, type PlanLevel } from '../../../../shared/plans.js';
import { BadRequestError, NotFoundError } from '../../../core/errors.js';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import type { CliContext } from '../cli-context.js';
import { existingId } from '../existing-id.js';
import { isoTime, table } from '../output.js';
import { durationOption } from './content-commands.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** A plan as the contract returns it. */
type Plan = MethodOutput<'plans.get'>;

function levelsFrom(texts: readonly string[]): PlanLevel[] {
  try {
    const levels = texts.map(parseLevel);
    assertLevelCount(levels.length);
    return levels;
  } catch (error) {
    if (error instanceof PlanSpecError) throw new BadRequestError(error.message);
    throw error;
  }
}

function describeLevels(plan: Plan): string {
  return plan.levels.map((l, i) => `L${i + 1} ${formatDuration(l.waitMs)}:${l.channels.join('+')}`).join('  ');
}

function planJson(plan: Plan) {
  return {
    ...plan,
    interval: formatDuration(plan.intervalMs),
    levels: plan.levels.map((l) => ({ ...l, wait: formatDuration(l.waitMs) })),
  };
}

export function registerPlanCommands(program: Command, context: () => CliContext): void {
  const plan = program.command('plan').description('warning plans: check-in interval and five warning levels');

  plan
    .command('add')
    .description('add a plan, e.g. --interval 30d --level 3d:desktop --level 3d:desktop+email … (five levels)')
    .requiredOption('--name <name>', 'a name, e.g. Family')
    .requiredOption('--interval <duration>', 'how often you check in, e.g. 30d', durationOption('--interval'))
    .option('--level <wait:channels>', 'one level, WAIT:CHANNEL[+CHANNEL] (give five)', collect, [])
    .option('--default', 'make it the plan of messages that name none')
    .action(async (opts: { name: string; interval: number; level: string[]; default?: boolean }) => {
      const ctx = context();
      const levels = levelsFrom(opts.level);
      const created = await ctx.withRouter((rpc) =>
        rpc('plans.create', { name: opts.name, intervalMs: opts.interval, levels, isDefault: Boolean(opts.default) }),
      );
      ctx.out.result(
        { id: created.id },
        () => `Plan ${created.id} added.${created.isTestPlan ? ' (test plan: waits under a day)' : ''}`,
      );
    });

  plan
    .command('list')
    .description('list plans')
    .action(async () => {
      const ctx = context();
      const all = await ctx.withRouter((rpc) => rpc('plans.list', {}));
      ctx.out.result(all.map(planJson), () =>
        table([
          ['ID', 'NAME', 'EVERY', 'LEVELS', ''],
          ...all.map((p) => [
            p.id,
            p.name,
            formatDuration(p.intervalMs),
            describeLevels(p),
            [p.isDefault ? 'default' : '', p.isTestPlan ? 'test plan' : ''].filter(Boolean).join(', '),
          ]),
        ]),
      );
    });

  plan
    .command('show <id>')
    .description('show one plan')
    .action(async (id: string) => {
      const ctx = context();
      const p = await ctx.withRouter((rpc) => rpc('plans.get', { id: existingId('plan', id) }));
      ctx.out.result(planJson(p), () =>
        [
          `${p.name} (${p.id})${p.isDefault ? ' — default' : ''}${p.isTestPlan ? ' — test plan' : ''}`,
          `Check in every ${formatDuration(p.intervalMs)}`,
          ...p.levels.map(
            (l, i) => `  Level ${i + 1}: ${l.channels.join(' + ')}, then wait ${formatDuration(l.waitMs)}`,
          ),
        ].join('\n'),
      );
    });

  plan
    .command('edit <id>')
    .description('change a plan (give all five --level to change the levels)')
    .option('--name <name>', 'new name')
    .option('--interval <duration>', 'new check-in interval', durationOption('--interval'))
    .option('--level <wait:channels>', 'WAIT:CHANNEL[+CHANNEL], five times', collect, [])
    .option('--default', 'make it the default plan')
    .action(async (id: string, opts: { name?: string; interval?: number; level: string[]; default?: boolean }) => {
      const ctx = context();
      const levels = opts.level.length > 0 ? levelsFrom(opts.level) : undefined;
      if (opts.name === undefined && opts.interval === undefined && !levels && !opts.default) {
        throw new BadRequestError('nothing to change: give --name, --interval, --level (×5) or --default');
      }
      await ctx.withRouter((rpc) =>
        rpc('plans.update', {
          id: existingId('plan', id),
          name: opts.name,
          intervalMs: opts.interval,
          levels,
          ...(opts.default ? { isDefault: true } : {}),
        }),
      );
      ctx.out.result({ id }, () => `Plan ${id} updated.`);
    });

  plan
    .command('rm <id>')
    .description('remove a plan (refused while messages use it)')
    .action(async (id: string) => {
      const ctx = context();
      await ctx.withRouter((rpc) => rpc('plans.delete', { id: existingId('plan', id) }));
      ctx.out.result({ id, removed: true }, () => `Plan ${id} removed.`);
    });

  plan
    .command('simulate <id>')
    .description('the timeline if you stop checking in now')
    .action(async (id: string) => {
      const ctx = context();
      const { p, state, timeline } = await ctx.withRouter(async (rpc) => {
        const p = await rpc('plans.get', { id: existingId('plan', id) });
        // The plan's state as status shows it (plans.simulate gives the timeline only).
        const runtime = (await rpc('status.get', {})).plans.find((s) => s.id === id);
        if (!runtime) throw new NotFoundError('plan', id);
        // A stopped plan does nothing until resumed, and a triggered one is delivering already:
        // neither has a "what if you stop checking in" timeline.
        const inert = runtime.phase === 'stopped' || runtime.phase === 'triggered';
        return { p, state: runtime.state, timeline: inert ? [] : (await rpc('plans.simulate', { id })).timeline };
      });
      const points = timeline.map((t) => ({ ...t, event: timelineEventText(t.event, t.level) }));
      ctx.out.result(
        { planId: id, state, timeline: points.map((t) => ({ ...t, at: new Date(t.at).toISOString() })) },
        () =>
          state === 'stopped'
            ? `${p.name} is stopped: nothing is warned or delivered until \`afterword resume\`.`
            : state === 'triggered'
              ? `${p.name} has fired: its messages are being delivered (see \`afterword status\`).`
              : [
                  `If you stop checking in now (${p.name}):`,
                  ...points.map((t) => `  ${isoTime(t.at)}  ${t.event}`),
                ].join('\n'),
      );
    });
}
