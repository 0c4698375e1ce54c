/** The local Confluence site: seeded state, permission rules, and the Confluence-shaped HTTP surface. */
export { createLocalSite, LocalSite } from './site';
export { LocalSiteError } from './state';
export type { LocalSiteOptions, SiteFaults, CallCounts, PageForRender, EditPageInput, Subject } from './state';
export type { LocalHttpResponse } from './rest';
export type * from './model';
export { buildSeed, SEED_IDS, LOCAL_APP_USER } from './seed';
