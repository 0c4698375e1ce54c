/**
 * The app's licence (manifest `app.licensing`): Forge passes `license.isActive` in the invocation
 * context of every resolver, trigger and route on licensed installations. Only an explicit `false`
 * refuses: development and staging installations carry no licence object (docs/forge-platform.md),
 * and refusing those would lock every developer out.
 */
import { DomainError } from '../core/domain/errors';

export const LICENSE_INACTIVE_MESSAGE = 'The ApprovalFlow licence for this site is not active.';

export function licenceInactive(context: unknown): boolean {
  if (typeof context !== 'object' || context === null) return false;
  const license = (context as { license?: unknown }).license;
  return typeof license === 'object' && license !== null && (license as { isActive?: unknown }).isActive === false;
}

/** The pipeline's licence step: refuses (403 LICENSE_INACTIVE) when the platform says the licence is inactive. */
export function requireActiveLicence(context: unknown): void {
  if (licenceInactive(context)) throw new DomainError('LICENSE_INACTIVE', LICENSE_INACTIVE_MESSAGE);
}
