import { PasswordInput, Stack } from '@mantine/core';
import { useT } from '../../i18n/useT';
import { PASSWORD_MIN, passwordStrength } from './password-strength';
import { StrengthMeter } from './StrengthMeter';

export interface NewPassword {
  password: string;
  confirmation: string;
}

/** Both fields are filled in, long enough, and the same. */
export function isNewPasswordValid({ password, confirmation }: NewPassword): boolean {
  return [...password].length >= PASSWORD_MIN && password === confirmation;
}

/**
 * A new password and its confirmation, with the strength meter between them. Errors appear once
 * the person has moved on (`showErrors`), never while they are still typing the first characters.
 */
export function NewPasswordFields({
  value,
  onChange,
  showErrors,
  autoFocus,
  label,
}: {
  value: NewPassword;
  onChange: (value: NewPassword) => void;
  showErrors: boolean;
  autoFocus?: boolean;
  /** The first field's label ("Password" by default). */
  label?: string;
}) {
  const { t } = useT();
  const strength = passwordStrength(value.password);
  const tooShort = [...value.password].length < PASSWORD_MIN;
  const mismatch = value.confirmation.length > 0 && value.confirmation !== value.password;
  return (
    <Stack gap="sm">
      <PasswordInput
        label={label ?? t('common:password.new')}
        description={t('common:password.minimum', { count: PASSWORD_MIN })}
        autoComplete="new-password"
        required
        data-autofocus={autoFocus || undefined}
        autoFocus={autoFocus}
        value={value.password}
        onChange={(e) => onChange({ ...value, password: e.currentTarget.value })}
        error={showErrors && tooShort ? t('common:password.tooShort', { count: PASSWORD_MIN }) : undefined}
      />
      <StrengthMeter strength={strength} visible={value.password.length > 0} />
      <PasswordInput
        label={t('common:password.repeat')}
        autoComplete="new-password"
        required
        value={value.confirmation}
        onChange={(e) => onChange({ ...value, confirmation: e.currentTarget.value })}
        error={
          mismatch && (showErrors || value.confirmation.length >= value.password.length)
            ? t('common:password.mismatch')
            : undefined
        }
      />
    </Stack>
  );
}
