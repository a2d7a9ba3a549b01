import { useErrorToasts } from './useErrorToasts';

/** Shows a failed call as a notification (see useErrorToasts). */
export function useNotifyError(): (error: unknown) => void {
  return useErrorToasts().notify;
}
