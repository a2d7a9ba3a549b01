import { useT } from '../../i18n/useT';
import { PlaceholderScreen } from '../common/PlaceholderScreen';

/** Placeholder until this screen is built (its namespace, 'security', already exists in both languages). */
export default function SecurityScreen() {
  const { t } = useT();
  return <PlaceholderScreen title={t('security:title')} />;
}
