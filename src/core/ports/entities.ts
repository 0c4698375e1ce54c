/**
 * The app's declared storage entities (Forge `app.storage.entities`), declared ONCE here: every store
 * enforces them (src/adapters/store/entity-rules.ts) and a test checks that manifest.yml declares
 * exactly these (plus the Forge adapter's own `af-item`). docs/storage.md explains each.
 */
export type EntityAttributeType = 'string' | 'integer' | 'float' | 'boolean' | 'any';

export interface EntityIndexDeclaration {
  name: string;
  /** Attributes whose values a query must all give (may be empty: one partition for the entity). */
  partition: readonly string[];
  /** The attribute the index is sorted by (Forge allows one). */
  range: string;
}

export interface EntityDeclaration {
  name: string;
  attributes: Readonly<Record<string, EntityAttributeType>>;
  indexes: readonly EntityIndexDeclaration[];
}

/** Audit records (src/core/audit/keys.ts builds the values). `sk` = `<at13>-<id>`, so range order is time order. */
export const AUDIT_ENTITY = 'af-audit';

/**
 * Approvals (src/core/services/approvals/stored.ts), key = approval id; `sk` = <submittedAt15>:<id>, `rec` = the approval;
 * `step` = the active step while pending (else NO_VALUE): the approver index of the queue's "waiting for me".
 */
export const APPROVAL_ENTITY = 'af-approval';

/** Delegations (SPEC 2.3b; services/delegations), key = delegation id; `ends` = <endsAt15>:<id>, so range order is end order. */
export const DELEGATION_ENTITY = 'af-delegation';
/** Feed events written before they moved into their audit records (src/core/events/store.ts): read by key, purged by time, no longer written. */
export const EVENT_ENTITY = 'af-event';

const byTime = (name: string, attribute: string): EntityIndexDeclaration => ({ name, partition: [attribute], range: 'sk' });

export const ENTITIES: readonly EntityDeclaration[] = [
  {
    name: AUDIT_ENTITY,
    attributes: {
      sk: 'string',
      // 0 until the sequencer links the record into the chain (src/core/audit/sequencer.ts)
      seq: 'integer',
      space: 'string',
      page: 'string',
      cs: 'string',
      client: 'string',
      actor: 'string',
      action: 'string',
      source: 'string',
      rec: 'any',
      // the feed event the record published (src/core/events/catalog.ts EventPart), outside the hashed record
      ev: 'any',
    },
    // Forge allows 7 indexes: the unfiltered time order plus six filter dimensions; `source` is
    // filtered in memory (two values, and the other filters narrow first).
    indexes: [
      { name: 'by-time', partition: [], range: 'sk' },
      byTime('by-space', 'space'),
      byTime('by-page', 'page'),
      byTime('by-cs', 'cs'),
      byTime('by-client', 'client'),
      byTime('by-actor', 'actor'),
      byTime('by-action', 'action'),
    ],
  },
  {
    name: APPROVAL_ENTITY,
    // `rec` is absent on items written before the approval moved in (it was at `approval:<id>`)
    // `step` is absent on items written before the approver index (approvals/index-backfill.ts adds it)
    attributes: { sk: 'string', page: 'string', space: 'string', wf: 'string', state: 'string', step: 'string', rec: 'any' },
    // History of a page (any state); pending approvals of a space (the queue), of a workflow, and of
    // one step of a workflow ("waiting for me": approvals/queue-mine.ts).
    indexes: [
      { name: 'by-page', partition: ['page'], range: 'sk' },
      { name: 'pending-by-space', partition: ['space', 'state'], range: 'sk' },
      { name: 'pending-by-wf', partition: ['wf', 'state'], range: 'sk' },
      { name: 'pending-by-wf-step', partition: ['wf', 'state', 'step'], range: 'sk' },
    ],
  },
  {
    name: DELEGATION_ENTITY,
    attributes: { ends: 'string', delegator: 'string', delegate: 'string', rec: 'any' },
    // a person's own delegations (given and received) not yet ended, and every delegation by end (admins, the daily job)
    indexes: [
      { name: 'by-delegator', partition: ['delegator'], range: 'ends' },
      { name: 'by-delegate', partition: ['delegate'], range: 'ends' },
      { name: 'by-end', partition: [], range: 'ends' },
    ],
  },
  {
    name: EVENT_ENTITY,
    attributes: { sk: 'string', space: 'string', ev: 'any' },
    // No longer written (events ride in their af-audit item): the feed reads what is left by key, and
    // this index serves only their purge; all three go once the last is purged (docs/decisions.md).
    indexes: [{ name: 'by-time', partition: [], range: 'sk' }],
  },
];
