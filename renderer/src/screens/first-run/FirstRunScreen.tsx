import { Container, Loader, Paper, Stepper, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import type { MethodOutput } from '../../../../shared/contract/methods.js';
import { useClient } from '../../client/ClientProvider';
import { toRpcError } from '../../client/rpc-error';
import { useNotifyError } from '../../hooks/useNotifyError';
import { useT } from '../../i18n/useT';
import { FirstRunToolbar } from './FirstRunToolbar';
import { LostRecoveryKeyStep } from './LostRecoveryKeyStep';
import { OwnerStep } from './OwnerStep';
import { PasswordStep } from './PasswordStep';
import { RecoveryKeyStep } from './RecoveryKeyStep';
import { TestWarningStep } from './TestWarningStep';

type Step = 'password' | MethodOutput<'setup.get'>['step'];
type SetupState = MethodOutput<'setup.get'>;
const ORDER: Step[] = ['password', 'recovery', 'owner', 'test'];

/**
 * Creating the vault, in four steps: a password; the recovery key, shown once and confirmed;
 * the owner's e-mail; a test warning. The vault records where the first run stands (setup.*), so
 * a refresh, Back or a restart resumes at the same step; the recovery key stays in the core's
 * memory only until it is confirmed.
 */
export default function FirstRunScreen({ resume, onFinished }: { resume: boolean; onFinished: () => void }) {
  const { t } = useT();
  const client = useClient();
  const notifyError = useNotifyError();
  const [setup, setSetup] = useState<SetupState | null>(null);
  const [loading, setLoading] = useState(resume);
  const step: Step = setup?.step ?? 'password';

  useEffect(() => {
    document.title = t('common:windowTitle', { screen: t('firstRun:title') });
  }, [t]);

  const load = useCallback(async () => {
    try {
      setSetup(await client.call('setup.get'));
    } catch (error) {
      notifyError(error);
    } finally {
      setLoading(false);
    }
  }, [client, notifyError]);

  useEffect(() => {
    if (resume) void load();
  }, [resume, load]);

  useEffect(() => {
    if (step === 'done') onFinished();
  }, [step, onFinished]);

  const advance = async (to: 'test' | 'done') => {
    try {
      setSetup(await client.call('setup.advance', { to }));
    } catch (error) {
      notifyError(error);
    }
  };

  const confirm = async (group: number, value: string): Promise<boolean> => {
    try {
      setSetup(await client.call('setup.confirmRecoveryKey', { group, value }));
      return true;
    } catch (error) {
      const rpc = toRpcError(error);
      if (rpc.code !== 'BAD_REQUEST') notifyError(error);
      if (rpc.code === 'CONFLICT') void load(); // the key left memory: offer a new one
      return false;
    }
  };

  return (
    <Container size="sm" py="xl" component="main">
      <FirstRunToolbar />
      <Title order={1} size="h2" mb={4}>
        {t('firstRun:title')}
      </Title>
      <Text c="dimmed" mb="lg">
        {t('firstRun:intro')}
      </Text>
      <Stepper
        active={ORDER.indexOf(step)}
        size="sm"
        mb="lg"
        allowNextStepsSelect={false}
        aria-label={t('firstRun:stepsLabel')}
      >
        <Stepper.Step label={t('firstRun:steps.password')} />
        <Stepper.Step label={t('firstRun:steps.recovery')} />
        <Stepper.Step label={t('firstRun:steps.owner')} />
        <Stepper.Step label={t('firstRun:steps.test')} />
      </Stepper>
      <Paper withBorder shadow="xs" p="xl" data-step={step}>
        {loading && <Loader size="sm" aria-label={t('common:loading')} />}
        {!loading && step === 'password' && <PasswordStep onCreated={() => void load()} />}
        {step === 'recovery' && setup?.recoveryKey && (
          <RecoveryKeyStep
            key={setup.recoveryKey}
            recoveryKey={setup.recoveryKey}
            vaultDir={setup.vaultDir}
            onConfirm={confirm}
          />
        )}
        {step === 'recovery' && setup && !setup.recoveryKey && <LostRecoveryKeyStep onNewKey={() => void load()} />}
        {step === 'owner' && <OwnerStep onDone={() => void advance('test')} />}
        {step === 'test' && <TestWarningStep onFinished={() => void advance('done')} />}
      </Paper>
    </Container>
  );
}
