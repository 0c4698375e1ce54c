/** The local Confluence site: seeded state, permission rules, and the Confluence-shaped HTTP surface. */
export { createLocalSite, LocalSite, LocalSiteError, LOCAL_APP_USER } from './site';
export type { LocalSiteOptions, CallCounts, PageForRender, EditPageInput, Subject } from './site';
export type { LocalHttpResponse } from './rest';
export type * from './model';
export { buildSeed, SEED_IDS } from './seed';
