import { PasswordInput } from '@mantine/core';
import { useT } from '../../i18n/useT';

/** The password typed again to prove it is the owner; says so under the field when it was wrong. */
export function CurrentPasswordInput({ label, value, onChange, wrong }: { label: string; value: string; onChange: (value: string) => void; wrong: boolean }) {
  const { t } = useT();
  return (
    <PasswordInput
      label={label}
      autoComplete="current-password"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={wrong ? t('errors:code.WRONG_PASSWORD') : undefined}
    />
  );
}
