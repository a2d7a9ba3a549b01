import { TextInput } from '@mantine/core';

/**
 * A 6-digit code from the authenticator app, or a recovery code: text, not a number (recovery
 * codes have letters), offered for autofill as a one-time code.
 */
export function CodeInput({
  label,
  value,
  onChange,
  error,
  autoFocus,
  description,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  autoFocus?: boolean;
  description?: string;
}) {
  return (
    <TextInput
      label={label}
      description={description}
      autoComplete="one-time-code"
      spellCheck={false}
      autoCapitalize="off"
      autoFocus={autoFocus}
      maxLength={64}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error}
    />
  );
}
