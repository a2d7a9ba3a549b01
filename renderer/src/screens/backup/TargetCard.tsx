import { Button, Checkbox, Group, PasswordInput, SimpleGrid, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlugConnected } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import { focusFirstInvalid } from '../../hooks/focus-first-invalid';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useLeaveGuard } from '../../hooks/useLeaveGuard';
import { useT } from '../../i18n/useT';
import { SectionCard } from '../common/SectionCard';
import { BackupTestResult } from './BackupTestResult';
import { RemoveTargetButton } from './RemoveTargetButton';
import { targetProblemText } from './backup-labels';
import { formFromTarget, targetInput, targetProblems, type StoredTarget } from './target-form';

type TestReport = MethodOutput<'backup.test'>;

/** The bucket backups go to: saved, tested (list, put, get, delete of a probe) and removed here. */
export function TargetCard({ target, onChanged }: { target: StoredTarget | null; onChanged: () => void }) {
  const { t } = useT();
  const client = useClient();
  const [saved, setSaved] = useState(() => formFromTarget(target));
  const [form, setForm] = useState(saved);
  const [showErrors, setShowErrors] = useState(false);
  const [report, setReport] = useState<TestReport | null>(null);
  const save = useBusyAction();
  const test = useBusyAction();
  const dirty = JSON.stringify(form) !== JSON.stringify(saved);
  const guard = useLeaveGuard(dirty);
  const secretStored = target !== null;
  const caStored = target?.customCa ?? false;
  const problems = targetProblems(form, secretStored, caStored);
  const shown = (field: keyof typeof problems) => (showErrors ? targetProblemText(t, problems[field]) : undefined);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));

  /** Saves the form when it holds changes; false when a field is wrong (marked and focused) or the core refused. */
  const store = async (within: Element | null): Promise<boolean> => {
    setShowErrors(true);
    if (Object.keys(problems).length > 0) {
      focusFirstInvalid(within instanceof HTMLElement ? within : null);
      return false;
    }
    if (!dirty && target) return true;
    return save.run(async () => {
      await client.call('backup.setTarget', targetInput(form, secretStored, caStored));
      const next = { ...form, secretAccessKey: '', ca: '' };
      guard.release();
      setForm(next);
      setSaved(next);
      setShowErrors(false);
      notifications.show({ color: 'teal', message: t('backup:target.saved') });
      onChanged();
    });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setReport(null);
    await store(event.currentTarget as Element);
  };

  const runTest = async (within: Element | null) => {
    setReport(null);
    if (!(await store(within))) return;
    await test.run(async () => setReport(await client.call('backup.test', {})));
  };

  return (
    <SectionCard
      id="backup-target"
      title={t('backup:target.title')}
      description={t('backup:target.description')}
      onSubmit={submit}
    >
      <TextInput
        label={t('backup:target.endpoint')}
        description={t('backup:target.endpointHint')}
        placeholder="https://s3.eu-central-1.amazonaws.com"
        required
        spellCheck={false}
        autoComplete="off"
        value={form.endpoint}
        onChange={(e) => set({ endpoint: e.currentTarget.value })}
        error={shown('endpoint')}
      />
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput
          label={t('backup:target.bucket')}
          required
          spellCheck={false}
          autoComplete="off"
          value={form.bucket}
          onChange={(e) => set({ bucket: e.currentTarget.value })}
          error={shown('bucket')}
        />
        <TextInput
          label={t('backup:target.prefix')}
          description={t('backup:target.prefixHint')}
          spellCheck={false}
          autoComplete="off"
          value={form.prefix}
          onChange={(e) => set({ prefix: e.currentTarget.value })}
          error={shown('prefix')}
        />
        <TextInput
          label={t('backup:target.region')}
          description={t('backup:target.regionHint')}
          required
          spellCheck={false}
          autoComplete="off"
          value={form.region}
          onChange={(e) => set({ region: e.currentTarget.value })}
          error={shown('region')}
        />
      </SimpleGrid>
      <Checkbox
        label={t('backup:target.pathStyle')}
        description={t('backup:target.pathStyleHint')}
        checked={form.pathStyle}
        onChange={(e) => set({ pathStyle: e.currentTarget.checked })}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label={t('backup:target.accessKeyId')}
          required
          spellCheck={false}
          autoComplete="off"
          value={form.accessKeyId}
          onChange={(e) => set({ accessKeyId: e.currentTarget.value })}
          error={shown('accessKeyId')}
        />
        <PasswordInput
          label={t('backup:target.secret')}
          description={secretStored ? t('backup:target.secretKeep') : t('backup:target.secretHint')}
          placeholder={secretStored ? '••••••••' : undefined}
          required={!secretStored}
          autoComplete="new-password"
          value={form.secretAccessKey}
          onChange={(e) => set({ secretAccessKey: e.currentTarget.value })}
          error={shown('secretAccessKey')}
        />
      </SimpleGrid>
      <Checkbox
        label={t('backup:target.ownCa')}
        description={t('backup:target.ownCaHint')}
        checked={form.ownCa}
        onChange={(e) => set({ ownCa: e.currentTarget.checked })}
      />
      {form.ownCa && (
        <Textarea
          label={t('backup:target.ca')}
          description={caStored ? t('backup:target.caKeep') : t('backup:target.caHint')}
          placeholder="-----BEGIN CERTIFICATE-----"
          required={!caStored}
          spellCheck={false}
          autoComplete="off"
          autosize
          minRows={3}
          maxRows={8}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          value={form.ca}
          onChange={(e) => set({ ca: e.currentTarget.value })}
          error={shown('ca')}
        />
      )}
      <Group justify="space-between">
        <div>{target && <RemoveTargetButton onRemoved={onChanged} />}</div>
        <Group>
          <Button
            variant="default"
            leftSection={<IconPlugConnected size={16} aria-hidden />}
            loading={test.busy}
            disabled={save.busy}
            onClick={(e) => void runTest(e.currentTarget.closest('form'))}
          >
            {dirty || !target ? t('backup:target.saveAndTest') : t('backup:target.test')}
          </Button>
          <Button type="submit" loading={save.busy}>
            {t('backup:target.save')}
          </Button>
        </Group>
      </Group>
      {test.busy && (
        <Text size="sm" c="dimmed" aria-live="polite">
          {t('backup:target.testing')}
        </Text>
      )}
      {report && <BackupTestResult report={report} />}
    </SectionCard>
  );
}
