import { randomBytes } from 'node:crypto';
import type { IdGenerator } from '../../core/ports/clock';

/**
 * Time-prefixed random ids: sortable by creation time (handy in store keys), unguessable (16 random
 * bytes), and made only of [A-Za-z0-9_-] so they are safe in KVS keys and URLs.
 */
export class RandomIds implements IdGenerator {
  next(prefix = ''): string {
    const time = Date.now().toString(36).padStart(9, '0');
    const random = randomBytes(16).toString('base64url');
    return `${prefix}${prefix ? '_' : ''}${time}${random}`;
  }
}
