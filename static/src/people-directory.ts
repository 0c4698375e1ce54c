/**
 * Page-lifetime cache of display names. Ids asked for while React commits a render are collected
 * and looked up together on the next macrotask (one resolver call per 250 ids), so a table of 50
 * rows costs one call, not 50. Kept free of React and @forge/bridge so it can be tested in Node.
 */
export type NamesLookup = (accountIds: string[]) => Promise<Record<string, string>>;

/** Confluence's bulk user lookup (and the resolver) take at most this many ids per call. */
export const MAX_BATCH = 250;

export class PeopleDirectory {
  /** display name, or null once the site said it does not know the id */
  private readonly names = new Map<string, string | null>();
  private readonly requested = new Set<string>();
  private queue: string[] = [];
  private flushScheduled = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly lookup: NamesLookup,
    private readonly schedule: (run: () => void) => void = (run) => setTimeout(run, 0),
  ) {}

  /** The known display name; undefined while loading, when unknown or after a failed lookup. */
  readonly nameOf = (accountId: string): string | undefined => this.names.get(accountId) ?? undefined;

  /** Grows as lookups land: a snapshot that changes whenever names arrive. */
  readonly knownCount = (): number => this.names.size;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Ask for a name; ids already known, queued or in flight cost nothing. */
  request(accountId: string): void {
    if (this.requested.has(accountId)) return;
    this.requested.add(accountId);
    this.queue.push(accountId);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.schedule(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const ids = this.queue;
    this.queue = [];
    for (let i = 0; i < ids.length; i += MAX_BATCH) void this.resolve(ids.slice(i, i + MAX_BATCH));
  }

  private async resolve(batch: string[]): Promise<void> {
    try {
      const found = await this.lookup(batch);
      for (const id of batch) this.names.set(id, Object.hasOwn(found, id) ? found[id] : null);
    } catch {
      // Names are a nicety: the id stays shown, and a later request (e.g. a reload) may try again.
      for (const id of batch) this.requested.delete(id);
      return;
    }
    for (const listener of this.listeners) listener();
  }
}
