import { Anchor, Button, PasswordInput, Stack, Text } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useT } from '../../i18n/useT';
import { useClient } from '../../client/ClientProvider';
import { toRpcError } from '../../client/rpc-error';
import { useNotifyError } from '../../hooks/useNotifyError';
import { CodeInput } from '../security/CodeInput';
import { LockoutNotice } from './LockoutNotice';
import { useLockout } from './useLockout';

export function PasswordUnlockForm({
  initialRetryAfterMs,
  acceptOlderVault = false,
  onUnlocked,
  onUseRecovery,
}: {
  initialRetryAfterMs: number;
  /** The vault is an older copy (see OlderCopyNotice): submitting says the restore was deliberate. */
  acceptOlderVault?: boolean;
  onUnlocked: () => void;
  onUseRecovery: () => void;
}) {
  const { t } = useT();
  const client = useClient();
  const notifyError = useNotifyError();
  const lockout = useLockout(initialRetryAfterMs);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  // Shown once the runner answers MFA_REQUIRED: two-step sign-in is on.
  const [askCode, setAskCode] = useState(false);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!password || lockout.lockedOut) return;
    if (askCode && code.trim() === '') {
      setCodeError(t('unlock:codeRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    setCodeError(null);
    try {
      await client.call('vault.unlock', {
        password,
        ...(askCode ? { code: code.trim() } : {}),
        ...(acceptOlderVault ? { acceptOlderVault: true as const } : {}),
      });
      onUnlocked();
      return;
    } catch (e) {
      const rpc = toRpcError(e);
      if (rpc.code === 'WRONG_PASSWORD') setError(t('errors:code.WRONG_PASSWORD'));
      else if (rpc.code === 'MFA_REQUIRED') setAskCode(true);
      else if (rpc.code === 'MFA_CODE_WRONG') {
        setCodeError(t('errors:code.MFA_CODE_WRONG'));
        setCode('');
      } else if (rpc.code !== 'LOCKED_OUT') notifyError(rpc);
      // A wrong password may start the wait at once: ask how long it is.
      const status = await client.call('vault.status').catch(() => null);
      const wait = status?.retryAfterMs ?? 0;
      if (wait > 0 || rpc.code === 'LOCKED_OUT') lockout.start(Math.max(wait, 1000));
    }
    setBusy(false);
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={t('unlock:mode.password')}>
      <Stack gap="md">
        <PasswordInput
          label={t('unlock:password')}
          autoComplete="current-password"
          autoFocus
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={error}
        />
        {askCode && (
          <CodeInput
            label={t('unlock:code')}
            description={t('unlock:codeHint')}
            autoFocus
            value={code}
            onChange={(value) => {
              setCode(value);
              setCodeError(null);
            }}
            error={codeError ?? undefined}
          />
        )}
        {lockout.lockedOut && <LockoutNotice remainingMs={lockout.remainingMs} />}
        <Button type="submit" size="md" loading={busy} disabled={lockout.lockedOut || password.length === 0}>
          {acceptOlderVault ? t('unlock:olderCopy.open') : t('unlock:unlock')}
        </Button>
        {!acceptOlderVault && (
          <Text size="sm" c="dimmed" ta="center">
            {t('unlock:forgot')}{' '}
            <Anchor component="button" type="button" size="sm" onClick={onUseRecovery}>
              {t('unlock:useRecovery')}
            </Anchor>
          </Text>
        )}
      </Stack>
    </form>
  );
}
