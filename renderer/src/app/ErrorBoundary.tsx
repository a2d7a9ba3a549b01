import { Component, type ErrorInfo, type ReactNode } from 'react';
import { CrashScreen } from './CrashScreen';

interface State {
  error: Error | null;
}

/**
 * The last line of defence: a rendering bug shows a calm page with a way out instead of a blank
 * window. Nothing is lost by reloading: everything lives in the vault, not in the page.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // The page has no logger of its own; the browser console is where a developer looks.
    // eslint-disable-next-line no-console
    console.error('Afterword UI crashed', error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error)
      return <CrashScreen error={this.state.error} onReset={() => this.setState({ error: null })} />;
    return this.props.children;
  }
}
