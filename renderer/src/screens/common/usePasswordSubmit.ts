import type { FormEvent } from 'react';
import { useBusyAction } from '../../hooks/useBusyAction';
import { useCurrentPassword, type CurrentPassword } from './useCurrentPassword';

/**
 * A form that does one thing with the password typed again: nothing while the field is empty, a
 * refused password marked on its field, any other failure shown as useBusyAction shows it. Once
 * `action` worked the field is emptied and `onDone` runs.
 */
export function usePasswordSubmit(
  action: (password: string) => Promise<unknown>,
  onDone?: () => void,
): { password: CurrentPassword; busy: boolean; submit: (event: FormEvent) => void } {
  const { busy, run } = useBusyAction();
  const password = useCurrentPassword();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password.value === '') return;
    if (!(await run(() => action(password.value), { WRONG_PASSWORD: password.refuse }))) return;
    password.clear();
    onDone?.();
  };
  return { password, busy, submit: (event) => void submit(event) };
}
