/** Time and identity generation are ports so tests and the model-based suite are deterministic. */
export interface Clock {
  /** UTC epoch milliseconds */
  now(): number;
}

export interface IdGenerator {
  /** Opaque, unique, store-key-safe id ([A-Za-z0-9_-]). */
  next(prefix?: string): string;
}
