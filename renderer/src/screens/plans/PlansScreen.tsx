import { useT } from '../../i18n/useT';
import { PlaceholderScreen } from '../common/PlaceholderScreen';

/** Placeholder until this screen is built (its namespace, 'plans', already exists in both languages). */
export default function PlansScreen() {
  const { t } = useT();
  return <PlaceholderScreen title={t('plans:title')} />;
}
