/**
 * Feedback after actions (SPEC §6): a flag for every completed action, shown by the host
 * (`showFlag` from @forge/bridge) where Confluence shows flags: bottom-left of the page, outside the
 * app's iframe, so a flag never covers the panel and never clips in a content-sized macro. The local
 * runtime's bridge shim shows them on its site page the same way.
 */
import { createContext, useCallback, useContext, type ReactNode } from 'react';
import { showFlag } from '@forge/bridge';

type Appearance = 'success' | 'error';
type Show = (title: string, description?: string, appearance?: Appearance) => void;

const FlagContext = createContext<Show>(() => undefined);

/** `const flag = useFlag(); flag('Approved', 'Bob Author was notified.')` */
export const useFlag = () => useContext(FlagContext);

let nextId = 0;

export function FlagProvider({ children }: { children: ReactNode }) {
  const show = useCallback<Show>((title, description, appearance = 'success') => {
    nextId += 1;
    // The host dismisses a success flag on its own, as ADS auto-dismiss flags do; an error stays until closed.
    showFlag({ id: `af-${Date.now()}-${nextId}`, title, ...(description ? { description } : {}), type: appearance, isAutoDismiss: appearance === 'success' });
  }, []);
  return <FlagContext.Provider value={show}>{children}</FlagContext.Provider>;
}
