/**
 * The request-scoped page cache (services/page-cache.ts): what Confluence answered is kept for the
 * request; a read that failed is not, so a later call in the same request asks again.
 */
import { createContext } from '../../src/core/services/context';
import { PageCache } from '../../src/core/services/page-cache';
import { BOB, setup } from './helpers';

describe('PageCache', () => {
  it('does not keep a failed getPages: the waiting call fails, a later one asks Confluence again', async () => {
    const env = await setup();
    const ctx = createContext(env.deps);
    const getPages = jest.spyOn(ctx.confluence, 'getPages').mockRejectedValueOnce(new Error('Confluence unavailable'));
    const cache = new PageCache(ctx, BOB);
    await expect(cache.pages(['2001', '2002'])).rejects.toThrow('Confluence unavailable');
    expect([...(await cache.pages(['2001', '2002'])).keys()]).toEqual(['2001', '2002']);
    expect(getPages).toHaveBeenCalledTimes(2);
    // what it answered is kept for the request
    await cache.pages(['2001']);
    expect(getPages).toHaveBeenCalledTimes(2);
  });
});
