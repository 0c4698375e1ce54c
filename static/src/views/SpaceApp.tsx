/** Space page: Workflows, Approval Queue, Change Sets and Analytics of the space in the extension context. */
import { useState } from 'react';
import { AnalyticsTab } from './AnalyticsTab';
import { ChangeSetsTab } from './ChangeSetsTab';
import { QueueTab } from './QueueTab';
import { WorkflowsTab } from './WorkflowsTab';

const TABS = [
  { key: 'workflows', label: 'Workflows', view: WorkflowsTab },
  { key: 'queue', label: 'Approval queue', view: QueueTab },
  { key: 'changesets', label: 'Change sets', view: ChangeSetsTab },
  { key: 'analytics', label: 'Analytics', view: AnalyticsTab },
] as const;

export function SpaceApp({ spaceKey }: { spaceKey?: string }) {
  const [tab, setTab] = useState<(typeof TABS)[number]['key']>('queue');
  const View = TABS.find((t) => t.key === tab)!.view;
  return (
    <div className="app">
      <h1>Approvals{spaceKey ? ` · ${spaceKey}` : ''}</h1>
      <nav className="tabs" role="tablist" aria-label="Approvals">
        {TABS.map((t) => (
          <button
            key={t.key}
            type="button"
            role="tab"
            aria-selected={tab === t.key}
            className={tab === t.key ? 'selected' : ''}
            data-testid={`tab-${t.key}`}
            onClick={() => setTab(t.key)}
          >
            {t.label}
          </button>
        ))}
      </nav>
      <div role="tabpanel">
        <View />
      </div>
    </div>
  );
}
