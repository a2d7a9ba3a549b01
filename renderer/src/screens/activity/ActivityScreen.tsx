import { useT } from '../../i18n/useT';
import { PlaceholderScreen } from '../common/PlaceholderScreen';

/** Placeholder until this screen is built (its namespace, 'activity', already exists in both languages). */
export default function ActivityScreen() {
  const { t } = useT();
  return <PlaceholderScreen title={t('activity:title')} />;
}
