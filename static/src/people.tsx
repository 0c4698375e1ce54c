/**
 * Show people by display name: <PeopleProvider> holds one PeopleDirectory per page load, and
 * <Person id="…"/> renders avatar and name (the account id while loading or when unknown; the id
 * stays in the tooltip). Group approvers ("group:<id>") are looked up the same way and shown by their
 * Confluence group name ("eng-reviewers (group)"), never by id.
 */
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import Avatar from '@atlaskit/avatar';
import Tooltip from '@atlaskit/tooltip';
import { Inline, xcss } from '@atlaskit/primitives';

// A name sits inside sentences and comma lists, so it flows with the text instead of taking a line.
const inRunningText = xcss({ display: 'inline-flex', verticalAlign: 'middle' });
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
  useEffect(() => {
    directory.request(accountId);
  }, [directory, accountId]);
  return useSyncExternalStore(directory.subscribe, () => directory.nameOf(accountId));
}

/** Asks for the names of these ids (people or "group:<id>"), e.g. for chosen picker entries. */
export function useRequestNames(ids: string[]): void {
  const directory = useDirectory();
  const key = ids.join(',');
  useEffect(() => {
    for (const id of key ? key.split(',') : []) directory.request(id);
  }, [directory, key]);
}

/** A lookup function for filters; components using it re-render when names arrive. */
export function useNameOf(): (accountId: string) => string | undefined {
  const directory = useDirectory();
  useSyncExternalStore(directory.subscribe, directory.knownCount);
  return directory.nameOf;
}

/** A person (or group) by name, with an avatar; the account id stays in the tooltip for copying. */
export function Person({ id, avatar = true }: { id: string; avatar?: boolean }) {
  const name = useDisplayName(id);
  const group = groupIdOf(id);
  const label = group !== undefined ? (name ? `${name} (group)` : 'A group') : (name ?? id);
  return (
    <Tooltip content={id} position="top" tag="span">
      <Inline as="span" space="space.050" alignBlock="center" testId="person" xcss={inRunningText}>
        {avatar && group === undefined && <Avatar size="xsmall" name={label} />}
        <span data-account-id={id}>{label}</span>
      </Inline>
    </Tooltip>
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
