/** Feedback after actions (SPEC §6): a flag for every completed action. */
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import Flag, { FlagGroup } from '@atlaskit/flag';
import { token } from '@atlaskit/tokens';
import SuccessIcon from '@atlaskit/icon/core/status-success';
import ErrorIcon from '@atlaskit/icon/core/status-error';

interface FlagEntry {
  id: number;
  title: string;
  description?: string;
  appearance: 'success' | 'error';
}

const FlagContext = createContext<(title: string, description?: string, appearance?: FlagEntry['appearance']) => void>(() => undefined);

/** `const flag = useFlag(); flag('Approved', 'Bob Author was notified.')` */
export const useFlag = () => useContext(FlagContext);

export function FlagProvider({ children }: { children: ReactNode }) {
  const [flags, setFlags] = useState<FlagEntry[]>([]);
  const show = useCallback((title: string, description?: string, appearance: FlagEntry['appearance'] = 'success') => {
    const id = Date.now() + Math.random();
    setFlags((f) => [{ id, title, description, appearance }, ...f].slice(0, 3));
    // Flags go away on their own after a while, as ADS auto-dismiss flags do.
    setTimeout(() => setFlags((f) => f.filter((x) => x.id !== id)), 8000);
  }, []);
  return (
    <FlagContext.Provider value={show}>
      {children}
      <FlagGroup onDismissed={(id) => setFlags((f) => f.filter((x) => x.id !== id))} label="Notifications">
        {flags.map((f) => (
          <Flag
            key={f.id}
            id={f.id}
            testId="flag"
            title={f.title}
            description={f.description}
            icon={
              f.appearance === 'success' ? (
                <SuccessIcon label="Success" color={token('color.icon.success')} />
              ) : (
                <ErrorIcon label="Error" color={token('color.icon.danger')} />
              )
            }
          />
        ))}
      </FlagGroup>
    </FlagContext.Provider>
  );
}
