/**
 * Every Confluence endpoint the adapters can call, with the OAuth scope Confluence demands for it
 * (SPEC §4). The Forge linter cannot see these scopes (every call is
 * `requestConfluence(assumeTrustedRoute(path))`), so this table is the one place they are known:
 * a test proves `manifest.yml` declares each one and that every path the adapters build matches a
 * row, and the local site refuses a call whose scope the manifest lacks, as Confluence does.
 * Sources: `x-atlassian-oauth2-scopes` of the v2 OpenAPI, `security` of the v1 spec, the scopes page
 * (docs/forge-platform.md §3; review-forge-2026-12b table b2). `{x}` is one path segment.
 */
export interface EndpointScope {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  template: string;
  scope: string;
  /** Not stated by the spec: the scope is our reading (docs/forge-platform.md). */
  unverified?: true;
}

export const CONFLUENCE_ENDPOINT_SCOPES: readonly EndpointScope[] = [
  { method: 'GET', template: '/wiki/api/v2/pages', scope: 'read:page:confluence' },
  { method: 'GET', template: '/wiki/api/v2/pages/{id}', scope: 'read:page:confluence' },
  // restore to approved writes a new version as the user (SPEC 2.4a)
  { method: 'PUT', template: '/wiki/api/v2/pages/{id}', scope: 'write:page:confluence' },
  // separation of duties reads each version's authorId and collaborators (SPEC 2.3a)
  { method: 'GET', template: '/wiki/api/v2/pages/{id}/versions/{n}', scope: 'read:page:confluence' },
  { method: 'GET', template: '/wiki/api/v2/spaces/{id}', scope: 'read:space:confluence' },
  { method: 'GET', template: '/wiki/api/v2/spaces/{id}/pages', scope: 'read:page:confluence' },
  { method: 'GET', template: '/wiki/api/v2/spaces/{id}/permissions', scope: 'read:space:confluence' },
  { method: 'GET', template: '/wiki/api/v2/pages/{id}/direct-children', scope: 'read:hierarchical-content:confluence' },
  // routing rules read a page's labels and ancestors as the submitter (SPEC 2.2a). Ancestors sit with the
  // other hierarchy reads; for labels the v2 spec's scope is our reading (read:page is declared too).
  { method: 'GET', template: '/wiki/api/v2/pages/{id}/ancestors', scope: 'read:hierarchical-content:confluence' },
  { method: 'GET', template: '/wiki/api/v2/pages/{id}/labels', scope: 'read:label:confluence', unverified: true },
  // the Automation label bridge (SPEC 3a), as the app: adding is documented with read:label + write:label
  // (both declared); removing by name (query form) is not stated, our reading is write:label
  { method: 'POST', template: '/wiki/rest/api/content/{id}/label', scope: 'write:label:confluence' },
  { method: 'DELETE', template: '/wiki/rest/api/content/{id}/label', scope: 'write:label:confluence', unverified: true },
  { method: 'GET', template: '/wiki/api/v2/folders/{id}/direct-children', scope: 'read:hierarchical-content:confluence' },
  { method: 'GET', template: '/wiki/api/v2/pages/{id}/footer-comments', scope: 'read:comment:confluence' },
  { method: 'GET', template: '/wiki/api/v2/footer-comments/{id}/children', scope: 'read:comment:confluence' },
  { method: 'POST', template: '/wiki/api/v2/footer-comments', scope: 'write:comment:confluence' },
  { method: 'POST', template: '/wiki/api/v2/users-bulk', scope: 'read:user:confluence' },
  { method: 'POST', template: '/wiki/rest/api/content/{id}/permission/check', scope: 'read:content.permission:confluence' },
  { method: 'GET', template: '/wiki/rest/api/user/current', scope: 'read:confluence-user' },
  { method: 'GET', template: '/wiki/rest/api/user/memberof', scope: 'read:confluence-user' },
  { method: 'GET', template: '/wiki/rest/api/group/{id}/membersByGroupId', scope: 'read:confluence-groups' },
  { method: 'GET', template: '/wiki/rest/api/group/by-id', scope: 'read:confluence-groups', unverified: true },
  { method: 'GET', template: '/wiki/rest/api/group/picker', scope: 'read:confluence-groups' },
  { method: 'GET', template: '/wiki/rest/api/search', scope: 'search:confluence' },
  { method: 'GET', template: '/wiki/rest/api/search/user', scope: 'search:confluence', unverified: true },
];

const matchers = CONFLUENCE_ENDPOINT_SCOPES.map((row) => ({
  row,
  pattern: new RegExp(`^${row.template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** The row a request (method + path with or without its query) falls under, if any. */
export function endpointOf(method: string, path: string): EndpointScope | undefined {
  const bare = path.split('?')[0];
  return matchers.find((m) => m.row.method === method.toUpperCase() && m.pattern.test(bare))?.row;
}
