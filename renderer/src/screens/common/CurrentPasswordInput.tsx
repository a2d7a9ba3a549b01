import { PasswordInput } from '@mantine/core';
import { useT } from '../../i18n/useT';
import type { CurrentPassword } from './useCurrentPassword';

/**
 * The password typed again to prove it is the owner; says so under the field when it was refused
 * (until it is edited). `error` is the form's own complaint (left empty, say).
 */
export function CurrentPasswordInput({
  label,
  field,
  error,
  required,
  autoFocus,
}: {
  label: string;
  field: CurrentPassword;
  error?: string;
  required?: boolean;
  autoFocus?: boolean;
}) {
  const { t } = useT();
  return (
    <PasswordInput
      label={label}
      autoComplete="current-password"
      required={required}
      autoFocus={autoFocus}
      value={field.value}
      onChange={(e) => field.set(e.currentTarget.value)}
      error={field.wrong ? t('errors:code.WRONG_PASSWORD') : error}
    />
  );
}
