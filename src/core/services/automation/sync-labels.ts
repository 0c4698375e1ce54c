/**
 * The `labels.sync` job (the Automation label bridge, SPEC 3a): puts on a page the label its space
 * maps to the page's current state and takes off the other mapped labels, as the app. The state is
 * derived now, as `/pages/status` derives it, so a late or repeated delivery converges on the
 * current state and a redelivery changes nothing. Labels the space does not map are never touched.
 */
import { bridgeIsOn, labelChange, labelStateOf } from '../../domain/label-bridge';
import { derivePageState } from '../../domain/page-state';
import type { EngineContext } from '../context';
import { readPageLatest } from '../approvals/page-latest';
import { stalenessOf } from '../staleness/evaluate';
import { readLabelBridge } from './label-bridge-store';

export async function syncPageLabels(ctx: EngineContext, pageId: string): Promise<void> {
  const page = (await ctx.confluence.getPages([pageId])).get(pageId);
  if (!page || page.status !== 'current') return;
  const { labelOnState } = await readLabelBridge(ctx, page.spaceId);
  if (!bridgeIsOn(labelOnState)) return;
  const { latest } = await readPageLatest(ctx, pageId);
  const staleness = await stalenessOf(ctx, latest, page.version);
  const state = labelStateOf(derivePageState(latest, page.version).state, staleness.stale);
  const current = await ctx.confluence.appPageLabels(pageId);
  if (!current) return ctx.log('label bridge: the app cannot read the page labels', { pageId });
  const change = labelChange(labelOnState, state, current);
  if (change.add.length === 0 && change.remove.length === 0) return;
  // the app may not edit this page (restrictions, space permissions): nothing to retry
  if (!(await ctx.confluence.changePageLabels(pageId, change))) ctx.log('label bridge: Confluence refused the label change', { pageId });
}
