/**
 * A sorted set of keys kept in chunks of at most 512: seeking is a binary search, inserting or
 * removing moves at most one chunk's worth of entries. It gives MemoryStore the ordered index a
 * real store has, so prefix queries stay flat as data grows (a plain sorted array costs O(n) per insert).
 */
const MAX_CHUNK = 512;

function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SortedKeys {
  private readonly chunks: string[][] = [];

  insert(key: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      return;
    }
    const c = Math.min(this.chunkFor(key), this.chunks.length - 1);
    const chunk = this.chunks[c];
    const at = lowerBound(chunk, key);
    if (chunk[at] === key) return;
    chunk.splice(at, 0, key);
    if (chunk.length > MAX_CHUNK) this.chunks.splice(c, 1, chunk.slice(0, MAX_CHUNK / 2), chunk.slice(MAX_CHUNK / 2));
  }

  remove(key: string): void {
    const c = this.chunkFor(key);
    const chunk = this.chunks[c];
    if (!chunk) return;
    const at = lowerBound(chunk, key);
    if (chunk[at] !== key) return;
    chunk.splice(at, 1);
    if (chunk.length === 0) this.chunks.splice(c, 1);
  }

  /** Keys in ascending order starting at the first key ≥ `from` (> `from` when `exclusive`). Do not modify the set while iterating. */
  *ascending(from: string, exclusive = false): Generator<string> {
    const first = this.chunkFor(from);
    for (let c = first; c < this.chunks.length; c++) {
      const chunk = this.chunks[c];
      let i = c === first ? lowerBound(chunk, from) : 0;
      if (exclusive && chunk[i] === from) i++;
      for (; i < chunk.length; i++) yield chunk[i];
    }
  }

  /** Keys in descending order starting at the last key < `before`. Do not modify the set while iterating. */
  *descending(before: string): Generator<string> {
    const first = Math.min(this.chunkFor(before), this.chunks.length - 1);
    for (let c = first; c >= 0; c--) {
      const chunk = this.chunks[c];
      for (let i = (c === first ? lowerBound(chunk, before) : chunk.length) - 1; i >= 0; i--) yield chunk[i];
    }
  }

  /** Index of the first chunk whose last key is ≥ `key` (chunks.length when every key is smaller). */
  private chunkFor(key: string): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid];
      if (chunk[chunk.length - 1] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
