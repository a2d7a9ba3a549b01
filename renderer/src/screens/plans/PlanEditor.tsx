import { Badge, Button, Card, Checkbox, Group, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { useRef, useState, type FormEvent } from 'react';
import { useClient } from '../../client/ClientProvider';
import { focusFirstInvalid } from '../../hooks/focus-first-invalid';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useLeaveGuard } from '../../hooks/useLeaveGuard';
import { useT } from '../../i18n/useT';
import type { ChannelSetup } from '../../../../shared/level-readiness.js';
import { planName } from '../../labels/plan-labels';
import { DurationInput } from './DurationInput';
import { LevelFields } from './LevelFields';
import {
  channelOptions,
  draftOf,
  draftProblems,
  levelsInput,
  newDraft,
  sameTiming,
  type Plan,
  type PlanDraft,
} from './plan-draft';
import { PlanTimeline } from './PlanTimeline';
import { useSimulation } from './useSimulation';

/** Creates or edits one plan, with its timeline redrawn from now as the waits change. */
export function PlanEditor({
  plan,
  isFirst,
  setup,
  onSaved,
  onCancel,
}: {
  plan: Plan | null;
  isFirst: boolean;
  setup: ChannelSetup | null;
  onSaved: (plan: Plan) => void;
  onCancel: () => void;
}) {
  const { t } = useT();
  const client = useClient();
  const { busy, run } = useBusyAction();
  const [saved] = useState<PlanDraft>(() => (plan ? draftOf(plan) : newDraft(isFirst)));
  const [draft, setDraft] = useState<PlanDraft>(saved);
  const [showErrors, setShowErrors] = useState(false);
  const edited = !plan || !sameTiming(saved, draft);
  const simulation = useSimulation(draft, plan?.id ?? null, edited);
  const problems = draftProblems(draft);
  const error = simulation.error;
  const options = channelOptions(setup?.webhookNames ?? []);
  const formRef = useRef<HTMLFormElement>(null);
  const guard = useLeaveGuard(JSON.stringify(draft) !== JSON.stringify(saved));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (problems.size > 0) {
      focusFirstInvalid(formRef.current);
      return;
    }
    await run(async () => {
      const common = {
        name: draft.name.trim(),
        intervalMs: Math.round(draft.intervalMs),
        levels: levelsInput(draft.levels),
      };
      const result = plan
        ? await client.call('plans.update', {
            id: plan.id,
            ...common,
            ...(draft.isDefault && !plan.isDefault ? { isDefault: true as const } : {}),
          })
        : await client.call('plans.create', { ...common, isDefault: draft.isDefault });
      guard.release();
      onSaved(result);
    });
  };

  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
      <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="plan-editor-title">
        <form ref={formRef} onSubmit={submit} noValidate>
          <Stack gap="md">
            <Group justify="space-between">
              <Title order={2} size="h4" id="plan-editor-title">
                {plan ? t('plans:editor.editTitle', { name: planName(t, plan.name) }) : t('plans:editor.newTitle')}
              </Title>
              {plan?.isTestPlan && (
                <Badge color="orange" variant="light">
                  {t('plans:testPlan')}
                </Badge>
              )}
            </Group>
            <TextInput
              label={t('plans:editor.name')}
              description={t('plans:editor.nameHint')}
              required
              value={draft.name}
              onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
              error={showErrors && problems.has('name') ? t('plans:editor.nameRequired') : undefined}
            />
            <DurationInput
              label={t('plans:editor.interval')}
              description={t('plans:editor.intervalHint')}
              value={draft.intervalMs}
              onChange={(intervalMs) => setDraft({ ...draft, intervalMs })}
              error={problems.has('interval') ? t('plans:editor.intervalTooShort') : undefined}
            />
            {draft.levels.map((level, i) => (
              <LevelFields
                key={i}
                index={i}
                level={level}
                options={options}
                showErrors={showErrors}
                onChange={(next) => setDraft({ ...draft, levels: draft.levels.map((l, j) => (j === i ? next : l)) })}
              />
            ))}
            <Checkbox
              label={t('plans:editor.isDefault')}
              description={t('plans:editor.isDefaultHint')}
              checked={draft.isDefault}
              disabled={plan?.isDefault}
              onChange={(e) => setDraft({ ...draft, isDefault: e.currentTarget.checked })}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={onCancel}>
                {t('plans:editor.cancel')}
              </Button>
              <Button type="submit" loading={busy}>
                {plan ? t('plans:editor.save') : t('plans:editor.create')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
      <PlanTimeline
        timeline={simulation.timeline}
        levels={draft.levels}
        stale={simulation.stale}
        error={error ? t(`errors:code.${error.code}`) : null}
        isTestPlan={plan?.isTestPlan ?? false}
        setup={setup}
        planId={plan?.id ?? null}
      />
    </SimpleGrid>
  );
}
