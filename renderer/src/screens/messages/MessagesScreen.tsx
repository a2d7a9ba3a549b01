import { useT } from '../../i18n/useT';
import { PlaceholderScreen } from '../common/PlaceholderScreen';

/** Placeholder until this screen is built (its namespace, 'messages', already exists in both languages). */
export default function MessagesScreen() {
  const { t } = useT();
  return <PlaceholderScreen title={t('messages:title')} />;
}
