import { useCallback, useState } from 'react';

export interface CurrentPassword {
  value: string;
  set(value: string): void;
  /** The value typed was refused (WRONG_PASSWORD) and has not been edited since. */
  wrong: boolean;
  /** Marks the value now typed as refused; pass it as the `WRONG_PASSWORD` refusal to useBusyAction. */
  refuse(): void;
  clear(): void;
}

/** The state of a "type your password again" field, remembering which value the vault refused. */
export function useCurrentPassword(): CurrentPassword {
  const [value, set] = useState('');
  const [refused, setRefused] = useState<string | null>(null);
  const refuse = useCallback(() => setRefused(value), [value]);
  const clear = useCallback(() => set(''), []);
  return { value, set, wrong: refused !== null && refused === value, refuse, clear };
}
