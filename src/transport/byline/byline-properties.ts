/**
 * The byline's `dynamicProperties` function (manifest: confluence:contentBylineItem →
 * dynamicProperties.function `byline-properties`, export `bylineProperties`). Forge calls it for
 * every page view, so it is cheap: one store read (the page's latest approval) and one Confluence
 * read as the viewing user (which also proves they may see the page). It never throws: a failure
 * shows the neutral title, never an error, and never says anything about a page the viewer cannot see.
 *
 * Payload shape is UNCONFIRMED (docs/forge-platform.md): the page id is read from
 * `extension.content.id` or `context.extension.content.id`; the viewer only from the platform
 * principal (second argument), never from the payload.
 */
import { LICENSE_INACTIVE_MESSAGE, licenceInactive } from '../licence';
import { deriveReview, type ReviewView } from '../../core/domain/review';
import { z } from 'zod';
import { derivePageState } from '../../core/domain/page-state';
import { pageStateWord, reviewStateWord, stateInSentence, staleDetail, type StateWord } from '../../core/domain/vocabulary';
import type { Staleness } from '../../core/domain/model';
import type { PageLatest } from '../../core/domain/page-state';
import { deriveStaleness, needsContent } from '../../core/domain/staleness';
import { pageStateSchema } from '../../core/domain/schemas';
import { accountId, PATH_ID_PATTERN } from '../../core/domain/fields';
import type { PageInfo } from '../../core/ports/confluence';
import type { KeyValueStore } from '../../core/ports/store';
import { keys } from '../../core/services/keys';

export interface BylineProperties {
  title: string;
  icon?: { url: string };
  tooltip?: string;
}

export interface BylineDeps {
  store: KeyValueStore;
  /** The page as `accountId` sees it (one Confluence call as that user); undefined when not visible. */
  readPage(accountId: string, pageId: string): Promise<PageInfo | undefined>;
  /** clock for the review state (default Date.now; the local runtime passes its adjustable clock) */
  now?: () => number;
  /**
   * SPEC 2.4a staleness as `accountId` can establish it (cached hash, else their read of the body);
   * only asked for an approved page with newer versions under a content policy. Absent: version rule.
   */
  staleness?(accountId: string, latest: PageLatest, currentVersion: number): Promise<Staleness>;
}

const NEUTRAL: BylineProperties = { title: 'Approval', tooltip: 'ApprovalFlow: open to see the approval state' };

const idLike = z.union([z.string().regex(PATH_ID_PATTERN), z.number().int().nonnegative()]).transform(String);
const extension = z.object({ content: z.object({ id: idLike }) });
const payloadSchema = z.union([z.object({ extension }), z.object({ context: z.object({ extension }) })]);
const contextSchema = z.object({ principal: z.object({ accountId }) });

function pageIdOf(payload: unknown): string | undefined {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  return 'extension' in parsed.data ? parsed.data.extension.content.id : parsed.data.context.extension.content.id;
}

const titleOf = (word: StateWord): string => `Approval: ${stateInSentence(word)}`;

/** An approved page due or expired for review (SPEC 2.7) says so in the byline title. */
function withReview(props: BylineProperties, review: ReviewView): BylineProperties {
  const word = reviewStateWord(review.reviewState);
  if (word === 'review_due' && review.reviewDueAt !== null) {
    return { title: titleOf(word), tooltip: `${props.tooltip} The approval expires on ${new Date(review.reviewDueAt).toISOString().slice(0, 10)}; request approval again to recertify.` };
  }
  if (word === 'review_expired') return { title: titleOf(word), tooltip: `${props.tooltip} The approval expired; request approval again.` };
  return props;
}

/**
 * The byline title in the one vocabulary (domain/vocabulary.ts): "Approval: <state>". Under a
 * content-aware staleness policy (SPEC 2.4a) `staleness` decides stale, and the tooltip says why.
 */
export function bylineOf(derived: ReturnType<typeof derivePageState>, review: ReviewView = { reviewState: null, reviewDueAt: null }, staleness?: Staleness): BylineProperties {
  const state = staleness ? { ...derived, isStale: staleness.stale } : derived;
  const word = pageStateWord(state.state, state.isStale);
  switch (word) {
    case 'not_requested':
      return { title: titleOf(word), tooltip: 'No approval has been requested for this page.' };
    case 'in_approval':
      return { title: titleOf(word), tooltip: 'An approval of this page is in progress.' };
    case 'changes_requested':
      return { title: titleOf(word), tooltip: 'The last approval request was rejected.' };
    case 'stale':
      return staleness?.reason === 'HASH_UNAVAILABLE'
        ? { title: titleOf(word), tooltip: `Approved at version ${state.approvedAtVersion}; the current content could not be compared, so it counts as not approved.` }
        : { title: titleOf(word), tooltip: `Approved at version ${state.approvedAtVersion}; ${staleDetail(state.versionDelta)}, not approved.` };
    default:
      if (staleness?.reason === 'no_content_change') {
        return withReview({ title: titleOf(word), tooltip: `Version ${state.approvedAtVersion} is approved; the ${state.versionDelta} newer version(s) did not change the content.` }, review);
      }
      if (staleness?.reason === 'within_tolerance' && staleness.drift) {
        return withReview({ title: titleOf(word), tooltip: `Version ${state.approvedAtVersion} is approved; ${staleness.drift.changedChars} character(s) in ${staleness.drift.versions} small edit(s) since, within the workflow's tolerance.` }, review);
      }
      return withReview({ title: titleOf(word), tooltip: `Version ${state.approvedAtVersion} is approved.` }, review);
  }
}

export function createBylinePropertiesHandler(deps: BylineDeps) {
  return async (payload: unknown, context: unknown): Promise<BylineProperties> => {
    // Like every entry point: an inactive licence reads nothing and says so.
    if (licenceInactive(context)) return { title: NEUTRAL.title, tooltip: LICENSE_INACTIVE_MESSAGE };
    try {
      const viewer = contextSchema.safeParse(context);
      const pageId = pageIdOf(payload);
      if (!viewer.success || !pageId) return NEUTRAL;
      const [page, item] = await Promise.all([deps.readPage(viewer.data.principal.accountId, pageId), deps.store.get(keys.pageState(pageId))]);
      if (!page) return NEUTRAL;
      const stored = item ? pageStateSchema.safeParse(item.value) : undefined;
      if (stored && !stored.success) return NEUTRAL;
      const latest = stored?.data;
      const staleness = needsContent(latest, page.version) && deps.staleness ? await deps.staleness(viewer.data.principal.accountId, latest, page.version) : deriveStaleness(latest, page.version);
      return bylineOf(derivePageState(latest, page.version), deriveReview(latest, (deps.now ?? Date.now)()), staleness);
    } catch (err) {
      console.warn(`byline-properties: ${err instanceof Error ? err.name : typeof err}`);
      return NEUTRAL;
    }
  };
}
