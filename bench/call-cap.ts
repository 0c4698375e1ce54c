/**
 * Part of section 8 (U25): under a per-invocation Confluence call cap (profile `fetch-limit`, 99
 * calls), the largest change set whose preflight, and whose submit, still fit one invocation.
 * Binary search over 1..100 pages; each try on a fresh site and app (a submit changes the state).
 */
import { createLocalApp } from '../local/app';
import { createLocalSite } from '../local/site';
import { loadPlatformProfile } from '../local/profile';
import { MemoryStore } from '../src/adapters/store/memory-store';
import { MANIFEST_APP_ID, invokeRoute } from './forge-request';
import { BOB, ENG, pageRefs, record, seedWithExtraPages } from './support';

const MAX_PAGES = 100;

/** Whether a change set of `pages` pages passes preflight (and, for 'submit', submit too) under the cap. */
async function fits(pages: number, through: 'preflight' | 'submit'): Promise<boolean> {
  const profile = loadPlatformProfile('fetch-limit');
  const site = createLocalSite({ seed: seedWithExtraPages(MAX_PAGES, 4001), profile });
  const app = createLocalApp({ store: new MemoryStore(), site, appId: MANIFEST_APP_ID, profile });
  await app.ready;
  const caller = { accountId: BOB, clientId: 'bench-cap', profile };
  const created = await invokeRoute(app.api, 'changeset-create', { ...caller, body: { spaceId: ENG, title: 'Cap', pageRefs: pageRefs(4001, pages) } });
  if (created.status !== 201) throw new Error(`create of ${pages} pages answered ${created.status}`);
  const body = { changeSetId: created.json.changeSet.id as string };
  const answer = await invokeRoute(app.api, through === 'preflight' ? 'changeset-preflight' : 'changeset-submit', { ...caller, body });
  await app.idle();
  if (answer.status === 413) return false;
  if (answer.status !== 200) throw new Error(`${through} of ${pages} pages answered ${answer.status}`);
  return true;
}

async function largest(through: 'preflight' | 'submit'): Promise<number> {
  let [low, high] = [0, MAX_PAGES];
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (await fits(mid, through)) low = mid;
    else high = mid - 1;
  }
  return low;
}

export async function runCallCap(): Promise<void> {
  const preflight = await largest('preflight');
  const submit = await largest('submit');
  console.log(`Under a 99-call cap per invocation (profile fetch-limit, U25): the largest change set that preflights is ${preflight} pages, that submits ${submit} pages (of ${MAX_PAGES}).`);
  record('forge.maxPreflightPagesUnderCallCap', preflight);
  record('forge.maxSubmitPagesUnderCallCap', submit);
}
