/**
 * One page of an index as it stood before the writes it has not caught up with yet (used by
 * EventualIndexStore): the inner store's page with every lagging item taken out, merged in index
 * order with the former states of lagging items that the query matches. Pure: the twin supplies
 * the entries, their sort keys (the order the local stores and Forge's index share) and the cursor.
 */

/** An item with its position in the index and the twin's slot for it. */
export interface PageEntry<I> {
  sortKey: string;
  slot: string;
  item: I;
}

/** Where the next page resumes: the inner store's cursor, and the last sort key already answered. */
export interface Resume {
  inner?: string;
  after?: string;
}

export interface LaggingPageInput<I> {
  /** The inner store's page, in its order. */
  inner: PageEntry<I>[];
  innerNext?: string;
  /** The inner cursor this page was read from (undefined: the first page). */
  innerFrom?: string;
  /** Sort key of the last item the caller has had (undefined: none yet). */
  after?: string;
  /** Former states of lagging items that match the query, in any order (absent ones not included). */
  former: PageEntry<I>[];
  isLagging(slot: string): boolean;
  limit: number;
  order: 'asc' | 'desc';
}

export function laggingPage<I>(p: LaggingPageInput<I>): { items: I[]; resume?: Resume } {
  const later = (a: string, b: string): boolean => (p.order === 'asc' ? a > b : a < b);
  const unseen = (e: PageEntry<I>): boolean => p.after === undefined || later(e.sortKey, p.after);
  const last = p.inner[p.inner.length - 1];
  // A former state up to where the inner page ends belongs here; a later one to a later page.
  const covered = (e: PageEntry<I>): boolean => p.innerNext === undefined || (last !== undefined && !later(e.sortKey, last.sortKey));
  const current = p.inner.filter((e) => !p.isLagging(e.slot));
  const merged = [...current, ...p.former.filter(covered)].filter(unseen).sort((a, b) => (a.sortKey === b.sortKey ? 0 : later(a.sortKey, b.sortKey) ? 1 : -1));
  if (merged.length > p.limit) {
    // More than a page: the rest is answered by reading the same inner page again past this one's end.
    const page = merged.slice(0, p.limit);
    return { items: page.map((e) => e.item), resume: { inner: p.innerFrom, after: page[page.length - 1].sortKey } };
  }
  const items = merged.map((e) => e.item);
  if (p.innerNext === undefined) return { items };
  return { items, resume: { inner: p.innerNext, after: last?.sortKey ?? p.after } };
}
