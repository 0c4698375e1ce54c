/**
 * What "the content of a page version" means for staleness and diffs (SPEC 2.4a). Pure functions:
 * the body is passed in, read transiently by the caller's Confluence access, and never stored;
 * only the digest is kept.
 *
 * hashAlg "v1": sha256 of NFC(title) + "\n" + normalised storage body, where normalising drops the
 * per-edit identifiers Confluence rewrites without a content change (ac:local-id, ac:macro-id,
 * local-id) and collapses whitespace. A future normaliser is a new hashAlg; a hash of another alg
 * is recomputed, never compared (so an algorithm change alone never makes a page stale).
 */
import { createHash } from 'node:crypto';

export const HASH_ALG = 'v1' as const;
export type HashAlg = typeof HASH_ALG;

const LOCAL_ID_ATTRIBUTES = /\s(?:ac:local-id|ac:macro-id|local-id|data-local-id)\s*=\s*("[^"]*"|'[^']*')/gi;

/** The storage body with its volatile identifiers removed and every whitespace run turned into one space. */
export function normaliseStorage(body: string): string {
  return body.replace(LOCAL_ID_ATTRIBUTES, '').replace(/\s+/g, ' ').trim();
}

export function contentHash(title: string, body: string): string {
  return createHash('sha256').update(`${title.normalize('NFC')}\n${normaliseStorage(body)}`, 'utf8').digest('hex');
}

const BLOCK_TAGS = /<\/?(?:p|div|h[1-6]|li|ul|ol|tr|table|thead|tbody|blockquote|pre|br|hr|ac:task|ac:layout-section|ac:layout-cell)\b[^>]*>/gi;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return safeCodePoint(parseInt(name.slice(2), 16), whole);
    if (name.startsWith('#')) return safeCodePoint(parseInt(name.slice(1), 10), whole);
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function safeCodePoint(code: number, fallback: string): string {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}

/**
 * Storage XHTML as plain text lines for the in-app diff: block elements end lines, macros show as
 * `[macro:name]`, every other tag is dropped and entities decoded, whitespace collapsed per line,
 * empty lines removed. The result is text, never markup, so the UI renders it as text.
 */
export function storageToText(body: string): string[] {
  const text = body
    .replace(/<ac:structured-macro\b[^>]*\bac:name\s*=\s*("([^"]*)"|'([^']*)')[^>]*>/gi, (_m, _q, a?: string, b?: string) => `\n[macro:${a ?? b ?? ''}]\n`)
    .replace(BLOCK_TAGS, '\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line.length > 0);
}
