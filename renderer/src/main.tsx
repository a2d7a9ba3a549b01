import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { selectTransport } from './client/select-transport';
import { initI18n } from './i18n/i18n';
import { captureSetupToken } from './screens/first-run/setup-link';

const container = document.getElementById('root');
if (!container) throw new Error('renderer: #root is missing from index.html');

captureSetupToken();
const i18n = await initI18n();
createRoot(container).render(<App i18n={i18n} transport={selectTransport()} />);
