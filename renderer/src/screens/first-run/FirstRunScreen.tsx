import { Container, Paper, Stepper, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useT } from '../../i18n/useT';
import { FirstRunToolbar } from './FirstRunToolbar';
import { OwnerStep } from './OwnerStep';
import { PasswordStep } from './PasswordStep';
import { RecoveryKeyStep } from './RecoveryKeyStep';
import { TestWarningStep } from './TestWarningStep';

type Step = 'password' | 'recovery' | 'owner' | 'test';
const ORDER: Step[] = ['password', 'recovery', 'owner', 'test'];

/**
 * Creating the vault, in four steps: a password; the recovery key, shown once and confirmed;
 * the owner's e-mail; a test warning. The recovery key lives only in this component's state
 * and is dropped once confirmed.
 */
export default function FirstRunScreen({ onFinished }: { onFinished: () => void }) {
  const { t } = useT();
  const [step, setStep] = useState<Step>('password');
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);

  useEffect(() => {
    document.title = t('common:windowTitle', { screen: t('firstRun:title') });
  }, [t]);

  return (
    <Container size="sm" py="xl" component="main">
      <FirstRunToolbar />
      <Title order={1} size="h2" mb={4}>
        {t('firstRun:title')}
      </Title>
      <Text c="dimmed" mb="lg">
        {t('firstRun:intro')}
      </Text>
      <Stepper active={ORDER.indexOf(step)} size="sm" mb="lg" allowNextStepsSelect={false} aria-label={t('firstRun:stepsLabel')}>
        <Stepper.Step label={t('firstRun:steps.password')} />
        <Stepper.Step label={t('firstRun:steps.recovery')} />
        <Stepper.Step label={t('firstRun:steps.owner')} />
        <Stepper.Step label={t('firstRun:steps.test')} />
      </Stepper>
      <Paper withBorder shadow="xs" p="xl">
        {step === 'password' && (
          <PasswordStep
            onCreated={(key) => {
              setRecoveryKey(key);
              setStep('recovery');
            }}
          />
        )}
        {step === 'recovery' && recoveryKey && (
          <RecoveryKeyStep
            recoveryKey={recoveryKey}
            onConfirmed={() => {
              setRecoveryKey(null);
              setStep('owner');
            }}
          />
        )}
        {step === 'owner' && <OwnerStep onDone={() => setStep('test')} />}
        {step === 'test' && <TestWarningStep onFinished={onFinished} />}
      </Paper>
    </Container>
  );
}
