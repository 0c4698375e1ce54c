/**
 * Show people by display name: <PeopleProvider> holds one PeopleDirectory per page load, and
 * <Person id="…"/> renders the name (the account id while loading or when unknown; the id stays
 * in the tooltip). Group approvers ("group:<id>") are shown as "group <id>" without a lookup.
 */
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { call } from './api';
import { PeopleDirectory } from './people-directory';
import { groupIdOf } from '../../src/core/domain/approvers';

const PeopleContext = createContext<PeopleDirectory | null>(null);

export function PeopleProvider({ children }: { children: ReactNode }) {
  const [directory] = useState(() => new PeopleDirectory(async (accountIds) => (await call('people.names', { accountIds })).names));
  return <PeopleContext.Provider value={directory}>{children}</PeopleContext.Provider>;
}

function useDirectory(): PeopleDirectory {
  const directory = useContext(PeopleContext);
  if (!directory) throw new Error('<Person> and useDisplayName need a <PeopleProvider> above them.');
  return directory;
}

/** The display name of an account id (undefined until known); requests it on mount. */
export function useDisplayName(accountId: string): string | undefined {
  const directory = useDirectory();
  const isGroup = groupIdOf(accountId) !== undefined;
  useEffect(() => {
    if (!isGroup) directory.request(accountId);
  }, [directory, accountId, isGroup]);
  return useSyncExternalStore(directory.subscribe, () => directory.nameOf(accountId));
}

/** A lookup function for filters; components using it re-render when names arrive. */
export function useNameOf(): (accountId: string) => string | undefined {
  const directory = useDirectory();
  useSyncExternalStore(directory.subscribe, directory.knownCount);
  return directory.nameOf;
}

export function Person({ id }: { id: string }) {
  const name = useDisplayName(id);
  const group = groupIdOf(id);
  if (group !== undefined) {
    return (
      <span className="person" title={id}>
        group {group}
      </span>
    );
  }
  return (
    <span className="person" title={id}>
      {name ?? id}
    </span>
  );
}

/** Comma-separated people (approver and owner lists). */
export function PersonList({ ids }: { ids: string[] }) {
  return (
    <>
      {ids.map((id, i) => (
        <span key={id}>
          {i > 0 && ', '}
          <Person id={id} />
        </span>
      ))}
    </>
  );
}
