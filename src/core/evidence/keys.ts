/** GET /keys and the admin page: the installation's public signing keys (SPEC 5a). */
import type { Caller } from '../domain/caller';
import type { EngineContext } from '../services/context';
import { defineOperation } from '../services/operation';
import { publishedKeys, type PublishedKey } from './installation-key';

export const signingKeys = defineOperation({
  rights: 'Any signed-in person: public keys are public (the first read creates the key).',
  async execute(ctx: EngineContext, _caller: Caller): Promise<PublishedKey[]> {
    return publishedKeys(ctx);
  },
});
