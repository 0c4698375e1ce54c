/**
 * The pickers' facet of the Confluence port (ConfluenceSite extends it): search people, groups,
 * pages and spaces by name (SPEC §6). Every search is made AS the person searching, so Confluence
 * answers only with what that person may see (restricted pages and hidden spaces never appear). Implemented over Confluence's search endpoints
 * (src/adapters/confluence/rest-directory.ts, through the one client).
 */
export interface DirectoryEntry {
  /** account id, group id, page id or space id */
  id: string;
  /** display name, group name, page title, space name */
  label: string;
  /** e.g. the space key */
  detail?: string;
}

export type DirectoryKind = 'user' | 'group' | 'page' | 'space';

export interface Directory {
  /** `spaceId` narrows page searches to one space (required for 'page'). */
  search(asAccountId: string, kind: DirectoryKind, query: string, options: { limit: number; spaceId?: string }): Promise<DirectoryEntry[]>;
}
