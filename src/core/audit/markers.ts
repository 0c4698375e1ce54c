/** Reading unsequenced markers back (re-validated: storage is an external input), in both stored shapes. */
import { skOfPendingKey } from './keys';
import { legacyMarkerSchema, markerSchema } from './schema';

/**
 * The records a marker names, in append order, or undefined when it is damaged. A marker is
 * `{at, sks}` keyed by its first record; one written before markers went per append is `{at}`
 * and names the record of its key.
 */
export function sksOfMarker(key: string, value: unknown): string[] | undefined {
  const own = skOfPendingKey(key);
  const marker = markerSchema.safeParse(value);
  if (marker.success) {
    const sks = marker.data.sks;
    return sks[0] === own && new Set(sks).size === sks.length ? sks : undefined;
  }
  return legacyMarkerSchema.safeParse(value).success ? [own] : undefined;
}
