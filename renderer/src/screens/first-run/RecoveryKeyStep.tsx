import { Alert, Button, Checkbox, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { MONO_INPUT } from '../common/mono-input';
import { useT } from '../../i18n/useT';
import { EmergencySheet } from './EmergencySheet';
import { StepForm } from './StepForm';
import { RecoveryKeyDisplay } from './RecoveryKeyDisplay';
import { matchesGroup, pickGroup } from '../../../../shared/recovery-key-groups.js';

/**
 * Step 2: the recovery key, shown this once. Continuing needs "I have written it down" and one
 * group of it typed back, which proves it was written down rather than merely seen; the vault
 * records the confirmation (onConfirm), so a refresh never skips this step.
 */
export function RecoveryKeyStep({
  recoveryKey,
  vaultDir,
  onConfirm,
}: {
  recoveryKey: string;
  vaultDir: string;
  /** Resolves false when the core does not accept the group. */
  onConfirm: (group: number, value: string) => Promise<boolean>;
}) {
  const { t } = useT();
  const [group] = useState(() => pickGroup(recoveryKey));
  const [writtenDown, setWrittenDown] = useState(false);
  const [typed, setTyped] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [refused, setRefused] = useState(false);
  const [busy, setBusy] = useState(false);
  const matches = matchesGroup(recoveryKey, group, typed);
  const groupError = () => {
    if (!submitted) return undefined;
    // Judged only once something was typed: an empty box asks for the group, it is not "wrong".
    if (typed.trim() === '') return t('firstRun:recovery.typeGroupFirst', { number: group + 1 });
    return !matches || refused ? t('firstRun:recovery.groupMismatch', { number: group + 1 }) : undefined;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!writtenDown || !matches) return;
    setBusy(true);
    const accepted = await onConfirm(group, typed);
    setRefused(!accepted);
    setBusy(false);
  };

  return (
    <StepForm id="recovery" title={t('firstRun:recovery.title')} onSubmit={submit}>
      <Alert color="orange" variant="light" icon={<IconAlertTriangle />} title={t('firstRun:recovery.onceTitle')}>
        {t('firstRun:recovery.onceBody')}
      </Alert>
      <RecoveryKeyDisplay recoveryKey={recoveryKey} />
      <EmergencySheet recoveryKey={recoveryKey} vaultDir={vaultDir} />
      <Text size="sm">{t('firstRun:recovery.uses')}</Text>
      <Checkbox
        label={t('firstRun:recovery.writtenDown')}
        checked={writtenDown}
        onChange={(e) => setWrittenDown(e.currentTarget.checked)}
        error={submitted && !writtenDown ? t('firstRun:recovery.tickFirst') : undefined}
      />
      {writtenDown && (
        <TextInput
          label={t('firstRun:recovery.typeGroup', { number: group + 1 })}
          description={t('firstRun:recovery.typeGroupHint')}
          autoComplete="off"
          spellCheck={false}
          styles={MONO_INPUT}
          maxLength={12}
          value={typed}
          onChange={(e) => {
            setTyped(e.currentTarget.value);
            setSubmitted(false);
            setRefused(false);
          }}
          error={groupError()}
          autoFocus
        />
      )}
      <Button type="submit" size="md" disabled={!writtenDown} loading={busy}>
        {t('firstRun:recovery.continue')}
      </Button>
    </StepForm>
  );
}
