/**
 * Forge entry point: exports exactly the handlers manifest.yml names (`handler: index.<name>`).
 * test/foundation/manifest.test.ts checks the two stay in step.
 */
import { forgeApp } from './composition/forge';

export const resolver = forgeApp.resolver;

export const apiChangeSetsList = forgeApp.api.apiChangeSetsList;
export const apiChangeSetDetail = forgeApp.api.apiChangeSetDetail;
export const apiChangeSetCreate = forgeApp.api.apiChangeSetCreate;
export const apiChangeSetUpdate = forgeApp.api.apiChangeSetUpdate;
export const apiChangeSetArchive = forgeApp.api.apiChangeSetArchive;
export const apiChangeSetPreflight = forgeApp.api.apiChangeSetPreflight;
export const apiChangeSetSubmit = forgeApp.api.apiChangeSetSubmit;
export const apiPagePreflight = forgeApp.api.apiPagePreflight;
export const apiPageSubmit = forgeApp.api.apiPageSubmit;
export const apiPageStatus = forgeApp.api.apiPageStatus;
