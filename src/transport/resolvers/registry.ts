/**
 * Every resolver binding, and the Custom UI's contract derived from them: the key, the payload the
 * UI sends (zod input of the row's schema) and the
 * result it answers (its return annotation). Adding an operation is one row in a surface file; no
 * second map to keep in step. static/src imports these types only (never this module at runtime).
 */
import type { z } from 'zod';
import { adminResolvers } from './admin';
import { changeSetResolvers } from './change-set';
import { delegationResolvers } from './delegation';
import { evidenceResolvers } from './evidence';
import { pageResolvers } from './page';
import { routingResolvers } from './routing';
import { signatureResolvers } from './signature';
import { spaceResolvers } from './space';
import { uiResolvers } from './ui';

/** The rows with their precise types (a union of every definition), in surface order. */
export const RESOLVER_BINDINGS = [
  ...pageResolvers,
  ...spaceResolvers,
  ...changeSetResolvers,
  ...adminResolvers,
  ...uiResolvers,
  ...delegationResolvers,
  ...signatureResolvers,
  ...evidenceResolvers,
  ...routingResolvers,
];

type Binding = (typeof RESOLVER_BINDINGS)[number];
export type ResolverKey = Binding['key'];
type BindingOf<K extends ResolverKey> = Extract<Binding, { key: K }>;
type ResolverSchemaOf<K extends ResolverKey> = BindingOf<K>['input'];

/** What the UI sends for `K` (optional fields may be left out). */
export type ResolverPayload<K extends ResolverKey> = z.input<ResolverSchemaOf<K>>;
/** What each key answers on success (the envelope's data part). */
export type ResolverData = { [K in ResolverKey]: Awaited<ReturnType<BindingOf<K>['run']>> };

/** Each key's payload schema, for the tests that send the same payloads to every binding (fuzz, REST parity). */
export const RESOLVER_SCHEMAS = Object.fromEntries(RESOLVER_BINDINGS.map((b) => [b.key, b.input])) as { [K in ResolverKey]: ResolverSchemaOf<K> };
