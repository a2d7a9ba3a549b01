import { MultiSelect } from '@mantine/core';
import { useMemo } from 'react';
import { useT } from '../../i18n/useT';
import type { MethodOutput } from '../../../../shared/contract/methods.js';

type Recipient = MethodOutput<'recipients.create'>;

/** Who receives the message, from the address book (and anyone already on it, should they be gone from the list). */
export function RecipientsPicker({
  recipients,
  known,
  value,
  onChange,
}: {
  recipients: Recipient[];
  known: Recipient[];
  value: string[];
  onChange(ids: string[]): void;
}) {
  const { t } = useT();
  const data = useMemo(() => {
    const byId = new Map<string, Recipient>();
    for (const r of [...known, ...recipients]) byId.set(r.id, r);
    return [...byId.values()].map((r) => ({ value: r.id, label: r.name ? `${r.name} <${r.contact}>` : r.contact }));
  }, [recipients, known]);
  return (
    <MultiSelect
      label={t('messages:editor.recipients')}
      description={data.length === 0 ? t('messages:editor.noRecipients') : t('messages:editor.recipientsHint')}
      placeholder={value.length === 0 ? t('messages:editor.recipientsPlaceholder') : undefined}
      data={data}
      value={value}
      onChange={onChange}
      searchable
      clearable
      nothingFoundMessage={t('messages:editor.noRecipientMatch')}
      maxValues={500}
    />
  );
}
