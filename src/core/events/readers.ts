/**
 * Who may read an event of the feed (SPEC 3a: "filtered to spaces the caller can view"). An event of a
 * space: whoever can view that space. An event of the installation (spaceId INSTALLATION_SPACE, today a
 * delegation without a space scope) belongs to no space, so no space right decides it: only the people
 * its record names may read it, its actor and the delegator and delegate (docs/decisions.md, x-feed).
 * An id Confluence cannot take as a space (INVALID_ID) is a space nobody views, so no stored record can
 * fail a reader's whole page; a transient Confluence failure still fails it (skipping would lose events).
 */
import type { AuditRecord } from '../domain/model';
import { DomainError } from '../domain/errors';
import { INSTALLATION_SPACE } from '../audit/purge';

/** The accounts an installation event concerns, read from its hashed record. */
function namedIn(record: AuditRecord): string[] {
  const { delegator, delegate } = record.details;
  return [record.actor, ...[delegator, delegate].filter((a): a is string => typeof a === 'string')];
}

export async function mayReadEvent(accountId: string, record: AuditRecord, canViewSpace: (spaceId: string) => Promise<boolean>): Promise<boolean> {
  if (record.spaceId === INSTALLATION_SPACE) return namedIn(record).includes(accountId);
  try {
    return await canViewSpace(record.spaceId);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'INVALID_ID') return false;
    throw error;
  }
}
