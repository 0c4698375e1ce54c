/**
 * capabilities.requireSiteAdmin: the gate of a surface the transport holds (the platform diagnostics
 * panel keeps its records at the edge) is still the engine's one site-admin rule, refused and audited
 * like every other (denials.ts requireSiteAdmin).
 */
import type { Caller } from '../domain/caller';
import type { EngineContext } from './context';
import { requireSiteAdmin } from './denials';
import { defineOperation } from './operation';

export const requireSiteAdminFor = defineOperation({
  rights: 'Site admins only (FORBIDDEN 403, audited); answers nothing, the caller then serves the surface.',
  execute: (ctx: EngineContext, caller: Caller, operation: 'admin.diagnostics') => requireSiteAdmin(ctx, caller, operation),
});
