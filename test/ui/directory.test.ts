/** The Confluence search calls behind the pickers: CQL quoting, and the local site answering as the searching user. */
import { cqlString } from '../../src/adapters/confluence/rest-directory';
import { createLocalSite } from '../../local/site';

const pageSearch = (title: string) => `/wiki/rest/api/search?cql=${encodeURIComponent(`type=page AND space.id=1001 AND title~${cqlString(title)}`)}&limit=50`;

describe('directory search', () => {
  it('quotes user input inside one CQL string (quotes and backslashes escaped)', () => {
    expect(cqlString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(cqlString('x" OR type=space OR title~"y')).toBe('"x\\" OR type=space OR title~\\"y"');
  });

  it('finds a restricted page only for people who may read it', () => {
    const site = createLocalSite();
    const ids = (actor: string) => (site.handleHttp('GET', pageSearch('Compensation'), undefined, actor).body as { results: { content: { id: string } }[] }).results.map((r) => r.content.id);
    expect(ids('acc-bob')).toEqual(['2012']);
    expect(ids('acc-erin')).toEqual([]);
  });

  it('treats an injected CQL clause as part of the title', () => {
    const site = createLocalSite();
    const r = site.handleHttp('GET', pageSearch('x" OR title~"'), undefined, 'acc-bob');
    expect(r.status).toBe(200);
    expect((r.body as { results: unknown[] }).results).toEqual([]);
  });

  it('answers CQL it does not understand with a 400, as Confluence does', () => {
    const site = createLocalSite();
    const r = site.handleHttp('GET', `/wiki/rest/api/search?cql=${encodeURIComponent('type=blogpost')}`, undefined, 'acc-bob');
    expect(r.status).toBe(400);
  });
});
