/**
 * Section 8 (issue 23): what a REST client's requests cost in Forge's own terms, through the real
 * handler path (createLocalApp → apiRoute handler → engine) on `ForgeKvsStore` over the fake KVS
 * HTTP API (bench/forge-meter.ts): storage round trips as Forge receives them (the store's own
 * pre-reads included), 10 KB read/write units against the installation's 4,000/min quotas, and
 * what each request leaves to the job consumer (run by the real handlers, sequencer included).
 * Run under the `documented` and the `strict` platform profile: who the caller is, which headers
 * arrive and whether index queries lag all depend on it.
 */
import { createLocalApp } from '../local/app';
import { createLocalSite } from '../local/site';
import { loadPlatformProfile } from '../local/profile';
import { CountingStore } from '../src/adapters/store/counting-store';
import type { StoreCounts } from '../src/adapters/store/counting-store';
import type { PlatformProfile } from '../src/adapters/platform-profile';
import { DEFAULT_INDEX_LAG_MS } from '../src/adapters/store/eventual-index-store';
import { sequencePendingAudit } from '../src/core/audit';
import { ForgeMeter } from './forge-meter';
import { runCallCap } from './call-cap';
import type { ForgeCounts } from './forge-meter';
import { MANIFEST_APP_ID, invokeRoute } from './forge-request';
import type { BenchOptions } from './support';
import { BOB, ENG, heading, pageRefs, record, seedWithExtraPages, table, withoutCallCap } from './support';

/** Forge's per-installation storage quotas: 10 KB units per minute (docs/forge-platform.md §6.5). */
const WRITE_UNITS_PER_MINUTE = 4000;
const PAGES = 100;
const SINGLE_PAGE = String(4001 + PAGES);

interface Step {
  request: string;
  status: number;
  forge: ForgeCounts;
  visible: number;
  invocations: number;
  deferred: ForgeCounts;
}

const visibleCalls = (s: StoreCounts) => s.get + s.getMany + s.query + s.getEntities + s.queryEntity + s.transact;

async function restScenario(profile: PlatformProfile): Promise<Step[]> {
  const meter = new ForgeMeter();
  try {
    const site = createLocalSite({ seed: seedWithExtraPages(PAGES + 1, 4001), profile });
    const clock = { now: () => Date.now() };
    // counted above the profile's store: the calls the code makes, not the twin's own
    const counting = new CountingStore(meter.storeFor(profile, clock));
    const app = createLocalApp({ store: counting, site, clock, appId: MANIFEST_APP_ID, profile });
    await app.ready;
    await app.idle();
    const steps: Step[] = [];
    const caller = { accountId: BOB, clientId: 'bench-ci', profile };
    const run = async (request: string, routeKey: string, input: { body?: unknown; query?: Record<string, string> }) => {
      meter.reset();
      counting.reset();
      const delivered = app.queue.deliveries.length;
      const answer = await invokeRoute(app.api, routeKey, { ...caller, ...input });
      const forge = meter.reset();
      const visible = visibleCalls(counting.counts);
      await app.idle();
      if (profile.indexConsistency === 'eventual') {
        // Index queries lag: what the consumer's sequencer could not see yet, the sweep links once the
        // index caught up (and again, while a sweep links something: markers it re-marked lag too).
        // That sweep is this request's cost too.
        for (let linked = 1; linked > 0; ) {
          await new Promise((resolve) => setTimeout(resolve, DEFAULT_INDEX_LAG_MS + 50));
          linked = 0;
          for (let r = { sequenced: 0, remaining: 1 }; r.remaining > 0; linked += r.sequenced) r = await sequencePendingAudit({ store: counting, clock });
        }
      }
      steps.push({ request, status: answer.status, forge, visible, invocations: app.queue.deliveries.length - delivered, deferred: meter.reset() });
      return answer;
    };
    const created = await run(`POST /changeSets (${PAGES} pages)`, 'changeset-create', { body: { spaceId: ENG, title: 'Quota', pageRefs: pageRefs(4001, PAGES) } });
    const changeSetId = created.json?.changeSet?.id as string | undefined;
    if (changeSetId) {
      await run('POST /changeSets/preflight', 'changeset-preflight', { body: { changeSetId } });
      await run('POST /changeSets/submit', 'changeset-submit', { body: { changeSetId } });
    }
    await run('POST /pages/submit (keyed, 1 page)', 'page-submit', { body: { pageId: SINGLE_PAGE } });
    return steps;
  } finally {
    meter.uninstall();
  }
}

export async function runForgeQuota(_options: BenchOptions): Promise<void> {
  heading('8. Forge round trips and quota units through the REST path (ForgeKvsStore over the fake KVS API)');
  console.log('"RT" = storage requests Forge received in the request, "pre-reads" = of them the store\'s own batchGets (not asked for by');
  console.log('the code), W/R units = 10 KB write/read units (quota 4,000/min each per installation); "deferred" = the real job consumer after');
  console.log('the response (sequencer included; under an eventual index also the sweep that links what it could not see yet),');
  console.log('"invocations" = consumer invocations.\n');
  for (const name of ['documented', 'strict']) {
    // strict without its 99-call cap: a 100-page set would answer 413 before any write (U25)
    const profile = withoutCallCap(loadPlatformProfile(name));
    const steps = await restScenario(profile);
    const rows: (string | number)[][] = [['request', 'HTTP', 'RT', 'pre-reads', 'W units', 'R units', 'KB written', 'invocations', 'deferred RT', 'deferred W units', 'deferred KB']];
    for (const s of steps) {
      rows.push([
        s.request,
        s.status,
        s.forge.roundTrips,
        s.forge.roundTrips - s.visible,
        s.forge.writeUnits,
        s.forge.readUnits,
        (s.forge.bytesWritten / 1024).toFixed(1),
        s.invocations,
        s.deferred.roundTrips,
        s.deferred.writeUnits,
        (s.deferred.bytesWritten / 1024).toFixed(1),
      ]);
    }
    console.log(`Profile ${name}:`);
    console.log(table(rows));
    const single = steps.find((s) => s.request.startsWith('POST /pages/submit'));
    const set = steps.filter((s) => s.request.startsWith('POST /changeSets'));
    const suffix = name === 'documented' ? '' : 'Strict';
    const ok = (s: Step | undefined) => s !== undefined && s.status >= 200 && s.status < 300;
    if (ok(single) && single) {
      record(`single.submitRoundTrips${suffix}`, single.forge.roundTrips);
      record(`single.submitHiddenPreReads${suffix}`, single.forge.roundTrips - single.visible);
      record(`single.submitDeferredInvocations${suffix}`, single.invocations);
    }
    if (set.length === 3 && set.every(ok)) {
      const units = set.reduce((n, s) => n + s.forge.writeUnits + s.deferred.writeUnits, 0);
      const readUnits = set.reduce((n, s) => n + s.forge.readUnits + s.deferred.readUnits, 0);
      record(`forge.writeUnitsPer100PageSet${suffix}`, units);
      record(`forge.readUnitsPer100PageSet${suffix}`, readUnits);
      console.log(`100-page set (create + preflight + submit + deferred): ${units} write units, ${readUnits} read units → ${Math.floor(WRITE_UNITS_PER_MINUTE / units)} sets/min at the write quota.\n`);
    } else {
      console.log(`100-page set: not measured under ${name} (a request failed: ${set.map((s) => `${s.request} ${s.status}`).join(', ')}).\n`);
    }
  }
  await runCallCap();
}
