import { CloseButton, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useT } from '../../i18n/useT';

/** The search box over titles and texts (the list debounces what is typed). */
export function MessageSearch({ value, onChange }: { value: string; onChange(value: string): void }) {
  const { t } = useT();
  return (
    <TextInput
      label={t('messages:list.searchLabel')}
      placeholder={t('messages:list.searchPlaceholder')}
      type="search"
      leftSection={<IconSearch size={16} aria-hidden />}
      rightSection={
        value ? (
          <CloseButton size="sm" aria-label={t('messages:list.clearSearch')} onClick={() => onChange('')} />
        ) : null
      }
      value={value}
      maxLength={200}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}
