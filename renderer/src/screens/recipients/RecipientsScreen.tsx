import { useT } from '../../i18n/useT';
import { PlaceholderScreen } from '../common/PlaceholderScreen';

/** Placeholder until this screen is built (its namespace, 'recipients', already exists in both languages). */
export default function RecipientsScreen() {
  const { t } = useT();
  return <PlaceholderScreen title={t('recipients:title')} />;
}
