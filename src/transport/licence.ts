/**
 * The app's licence (manifest `app.licensing`): Forge passes `license.isActive` in the invocation
 * context of every resolver, trigger and route on licensed installations. Only an explicit `false`
 * refuses: development and staging installations carry no licence object (docs/forge-platform.md),
 * and refusing those would lock every developer out.
 */
export const LICENSE_INACTIVE = { code: 'LICENSE_INACTIVE', message: 'The ApprovalFlow licence for this site is not active.' } as const;

export function licenceInactive(context: unknown): boolean {
  if (typeof context !== 'object' || context === null) return false;
  const license = (context as { license?: unknown }).license;
  return typeof license === 'object' && license !== null && (license as { isActive?: unknown }).isActive === false;
}
