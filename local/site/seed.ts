/**
 * SPEC §7.1 seed of the local Confluence site. Ids are fixed (tests, docs and the seeded workflows
 * refer to them); everything else may be extended. Built fresh on each call so sites never share state.
 */
import type {
  LocalComment,
  LocalGroup,
  LocalPage,
  LocalPageVersion,
  LocalSiteSeed,
  LocalSpace,
  LocalUser,
  Principal,
  SpacePermission,
} from './model';

/**
 * The app's own (bot) user: the identity of asApp() calls and the author of what the app writes.
 * Space permissions grant it read and comment (as an installed app gets); it is in no page
 * restriction, and a Confluence administrator only when the platform profile says so.
 */
export const LOCAL_APP_USER: LocalUser = {
  accountId: 'acc-approvalflow-app',
  displayName: 'ApprovalFlow',
  email: '',
};

export const SEED_IDS = {
  users: {
    alice: 'acc-alice',
    bob: 'acc-bob',
    carol: 'acc-carol',
    dave: 'acc-dave',
    erin: 'acc-erin',
    /** beyond SPEC §7.1: a space admin (DOCS) who is not a site admin */
    frank: 'acc-frank',
  },
  /** beyond SPEC §7.1: legal-reviewers (alice, erin), the second group of a two-group step (issue 19) */
  groups: { engReviewers: 'grp-eng-reviewers', siteAdmins: 'grp-site-admins', legalReviewers: 'grp-legal-reviewers' },
  spaces: { eng: '1001', docs: '1002' },
  draftPage: '2011',
  restrictedPage: '2012',
} as const;

const { alice, bob, carol, dave, erin, frank } = SEED_IDS.users;

const users: LocalUser[] = [
  { accountId: alice, displayName: 'Alice Admin', email: 'alice@example.com' },
  { accountId: bob, displayName: 'Bob Author', email: 'bob@example.com' },
  { accountId: carol, displayName: 'Carol Reviewer', email: 'carol@example.com' },
  { accountId: dave, displayName: 'Dave Reviewer', email: 'dave@example.com' },
  { accountId: erin, displayName: 'Erin Outsider', email: 'erin@example.com' },
  { accountId: frank, displayName: 'Frank Spaceadmin', email: 'frank@example.com' },
];

const user = (id: string): Principal => ({ type: 'user', id });
const group = (id: string): Principal => ({ type: 'group', id });

/** Space permissions: read / add-pages (edit) / comment / administer, per principal. */
function spacePermissions(spaceId: string, grants: Array<[Principal, Array<'read' | 'edit' | 'comment' | 'administer'>]>): SpacePermission[] {
  const out: SpacePermission[] = [];
  for (const [principal, abilities] of grants) {
    for (const ability of abilities) {
      const operation =
        ability === 'edit'
          ? ({ key: 'create', targetType: 'page' } as const)
          : ability === 'comment'
            ? ({ key: 'create', targetType: 'comment' } as const)
            : ({ key: ability, targetType: 'space' } as const);
      out.push({ id: `sp-${spaceId}-${out.length + 1}`, principal, operation });
    }
  }
  return out;
}

function spaces(): LocalSpace[] {
  const engReviewers = group(SEED_IDS.groups.engReviewers);
  const app = user(LOCAL_APP_USER.accountId);
  return [
    {
      id: SEED_IDS.spaces.eng,
      key: 'ENG',
      name: 'Engineering',
      authorId: alice,
      createdAt: '2025-01-02T09:00:00.000Z',
      permissions: spacePermissions(SEED_IDS.spaces.eng, [
        [user(alice), ['read', 'edit', 'comment', 'administer']],
        [user(bob), ['read', 'edit', 'comment']],
        // carol and dave read (and comment) through their group, as most sites grant access
        [engReviewers, ['read', 'comment']],
        [user(erin), ['read']],
        [app, ['read', 'comment']],
      ]),
    },
    {
      id: SEED_IDS.spaces.docs,
      key: 'DOCS',
      name: 'Documentation',
      authorId: alice,
      createdAt: '2025-01-02T09:30:00.000Z',
      permissions: spacePermissions(SEED_IDS.spaces.docs, [
        [user(alice), ['read', 'edit', 'comment', 'administer']],
        [user(bob), ['read', 'edit', 'comment']],
        [engReviewers, ['read', 'comment']],
        [user(frank), ['read', 'edit', 'comment', 'administer']],
        [app, ['read', 'comment']],
      ]),
    },
  ];
}

interface PageSeed {
  id: string;
  spaceId: string;
  title: string;
  topic: string;
  status?: LocalPage['status'];
  authorId?: string;
  versionCount: number;
  restrictedTo?: string[];
}

const pageSeeds: PageSeed[] = [
  { id: '2001', spaceId: '1001', title: 'Architecture overview', topic: 'how the services fit together', versionCount: 3 },
  { id: '2002', spaceId: '1001', title: 'Onboarding guide', topic: 'the first week of a new engineer', versionCount: 2 },
  { id: '2003', spaceId: '1001', title: 'Release process', topic: 'how a release is cut and shipped', versionCount: 4 },
  { id: '2004', spaceId: '1001', title: 'Incident runbook', topic: 'what to do when production breaks', versionCount: 1 },
  { id: '2005', spaceId: '1001', title: 'API style guide', topic: 'naming, errors and pagination rules', versionCount: 2 },
  { id: '2006', spaceId: '1001', title: 'Security checklist', topic: 'the checks every change goes through', versionCount: 3 },
  { id: '2007', spaceId: '1001', title: 'Deployment pipeline', topic: 'the stages from commit to production', versionCount: 1 },
  { id: '2008', spaceId: '1001', title: 'Team charter', topic: 'what the team owns and how it works', versionCount: 2 },
  { id: '2009', spaceId: '1001', title: 'Q3 roadmap', topic: 'the goals for the quarter', versionCount: 3 },
  { id: '2010', spaceId: '1001', title: 'Glossary', topic: 'the words we use', versionCount: 1 },
  { id: '2011', spaceId: '1001', title: 'Q4 planning (draft)', topic: 'early ideas for next quarter', status: 'draft', versionCount: 1 },
  {
    id: '2012',
    spaceId: '1001',
    title: 'Compensation bands',
    topic: 'salary bands (restricted to alice and bob)',
    authorId: alice,
    versionCount: 2,
    restrictedTo: [alice, bob],
  },
  { id: '3001', spaceId: '1002', title: 'User manual', topic: 'how to use the product', versionCount: 3 },
  { id: '3002', spaceId: '1002', title: 'Release notes 1.0', topic: 'what changed in 1.0', versionCount: 1 },
  { id: '3003', spaceId: '1002', title: 'FAQ', topic: 'questions customers ask', versionCount: 2 },
  { id: '3004', spaceId: '1002', title: 'Privacy policy', topic: 'what data we keep and why', versionCount: 2 },
  { id: '3005', spaceId: '1002', title: 'Terms of service', topic: 'the contract with customers', versionCount: 1 },
];

const DAY = 86_400_000;
const HOUR = 3_600_000;
const seedEpoch = Date.parse('2025-01-06T09:00:00.000Z');

function pages(): LocalPage[] {
  return pageSeeds.map((seed, index) => {
    const creator = seed.authorId ?? bob;
    const created = seedEpoch + index * DAY;
    const versions: LocalPageVersion[] = [];
    for (let n = 1; n <= seed.versionCount; n += 1) {
      versions.push({
        number: n,
        // later versions alternate between bob and alice so histories have more than one author
        authorId: n === 1 ? creator : n % 2 === 0 ? alice : bob,
        createdAt: new Date(created + (n - 1) * HOUR).toISOString(),
        message: n === 1 ? '' : `Update ${n - 1}`,
        minorEdit: false,
        title: seed.title,
        body:
          `<h1>${seed.title}</h1><p>This page describes ${seed.topic}.</p>` +
          (n > 1 ? `<p>Revision ${n}: clarified section ${n - 1}.</p>` : ''),
      });
    }
    const restrictedTo = (seed.restrictedTo ?? []).map(user);
    return {
      id: seed.id,
      spaceId: seed.spaceId,
      parentId: null,
      status: seed.status ?? 'current',
      authorId: creator,
      createdAt: new Date(created).toISOString(),
      versions,
      restrictions: { read: restrictedTo, update: [...restrictedTo] },
    };
  });
}

function groups(): LocalGroup[] {
  return [
    { id: SEED_IDS.groups.engReviewers, name: 'eng-reviewers', members: [carol, dave] },
    { id: SEED_IDS.groups.siteAdmins, name: 'site-admins', members: [alice] },
    { id: SEED_IDS.groups.legalReviewers, name: 'legal-reviewers', members: [alice, erin] },
  ];
}

function comments(): LocalComment[] {
  return [
    {
      id: '5001',
      pageId: '2001',
      parentCommentId: null,
      authorId: carol,
      createdAt: '2025-01-08T10:00:00.000Z',
      body: '<p>Could the diagram show the queue between the API and the workers?</p>',
    },
    {
      id: '5002',
      pageId: '2001',
      parentCommentId: '5001',
      authorId: bob,
      createdAt: '2025-01-08T11:30:00.000Z',
      body: '<p>Good point, added in version 3.</p>',
    },
    {
      id: '5003',
      pageId: '3001',
      parentCommentId: null,
      authorId: dave,
      createdAt: '2025-01-20T14:00:00.000Z',
      body: '<p>The screenshots in chapter 2 are out of date.</p>',
    },
  ];
}

export function buildSeed(): LocalSiteSeed {
  return { users: users.map((u) => ({ ...u })), groups: groups(), spaces: spaces(), pages: pages(), comments: comments() };
}
