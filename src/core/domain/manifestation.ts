/**
 * The human-readable manifestation of an electronic signature (SPEC 2.3c, 21 CFR §11.50(b)): printed
 * name, meaning, UTC date and time, page version and method, in that order, everywhere it is shown
 * (panel history, exports, comments, audit trail, evidence packs). Pure: the UI imports it too.
 */
import type { DecisionSignature } from './model';

const METHOD: Record<DecisionSignature['authMethod'], string> = { pin: 'PIN', totp: 'TOTP' };

function meaningTitle(code: string): string {
  const words = code.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function utcStamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const LISTED_PAGES = 10;

/** "page v12", or for an atomic set "3 pages: 2001 v3, 2002 v1, 2003 v7" (the first ten; the record keeps them all). */
function signedRecord(signature: DecisionSignature): string {
  const pages = signature.pages;
  if (!pages) return `page v${signature.pageVersion}`;
  const listed = pages.slice(0, LISTED_PAGES).map((p) => `${p.pageId} v${p.pageVersion}`).join(', ');
  const more = pages.length > LISTED_PAGES ? `, +${pages.length - LISTED_PAGES} more` : '';
  return `${pages.length} page${pages.length === 1 ? '' : 's'}: ${listed}${more}`;
}

/** "Carol Reviewer · Approval: I approve this document · 2026-12-07 14:03:22 UTC · page v12 · signed (PIN)" */
export function signatureManifestation(signature: DecisionSignature): string {
  const name = signature.onBehalfOfName ? `${signature.printedName}, on behalf of ${signature.onBehalfOfName}` : signature.printedName;
  return [
    name,
    `${meaningTitle(signature.meaning)}: ${signature.meaningLabel}`,
    utcStamp(signature.signedAt),
    signedRecord(signature),
    `signed (${METHOD[signature.authMethod]})`,
  ].join(' · ');
}
