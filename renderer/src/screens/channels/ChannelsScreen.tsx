import { useT } from '../../i18n/useT';
import { PlaceholderScreen } from '../common/PlaceholderScreen';

/** Placeholder until this screen is built (its namespace, 'channels', already exists in both languages). */
export default function ChannelsScreen() {
  const { t } = useT();
  return <PlaceholderScreen title={t('channels:title')} />;
}
