/**
 * Child process of section 3: the 100-page scenario with a 250-page change set at pessimistic
 * latency. The product limit (SPEC 2.5: 100 pages) is raised HERE ONLY, before any schema is built
 * from it; prints the steps as one JSON line.
 */
import { FIELD_LIMITS } from '../src/core/domain/limits';

(FIELD_LIMITS.pageRefs as { max: number }).max = 250;

void (async () => {
  const { scenario, PESSIMISTIC } = await import('./time-budget.js');
  const steps = await scenario(PESSIMISTIC, 250);
  process.stdout.write(`${JSON.stringify(steps)}\n`);
  process.exit(0);
})().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
