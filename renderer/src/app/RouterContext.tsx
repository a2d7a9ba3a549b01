import { createContext, useContext } from 'react';
import type { HashRoute } from './useHashRoute';

export interface Router {
  route: HashRoute;
  navigate(screen: string, ...params: string[]): void;
}

export const RouterContext = createContext<Router | null>(null);

/** The current screen and its params, and how to go elsewhere: `navigate('messages', 'new')`. */
export function useRouter(): Router {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useRouter must be used inside the app shell');
  return router;
}
