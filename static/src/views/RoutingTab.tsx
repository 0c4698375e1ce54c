/**
 * Space page → Routing (SPEC 2.2a): the space's routing rules in priority order; a space admin edits
 * them (add, enable/disable, remove, then save the list as a whole), everyone who can see the space
 * can ask "explain this page"; below, the space's Automation labels (AutomationLabels.tsx). Every rule check (priorities, workflows, pages) is the server's: its
 * refusal is shown with the fields it names.
 */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import Toggle from '@atlaskit/toggle';
import VisuallyHidden from '@atlaskit/visually-hidden';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import type { RoutingRule } from '../../../src/core/domain/routing';
import type { RoutingExplanation } from '../../../src/core/services/routing/explain';
import { ErrorMessage } from '../components/ui';
import { useFlag } from '../components/feedback';
import { SinglePagePicker } from '../components/pickers';
import { DataTable } from '../components/data-table';
import type { SpaceTabProps } from './space-tab';
import { AutomationLabels } from './AutomationLabels';

type DraftRule = Omit<RoutingRule, 'id'> & { id?: string };
type WorkflowOption = { label: string; value: string };

const VERDICT_LABEL: Record<RoutingExplanation['rules'][number]['verdict'], string> = {
  match: 'Matches',
  no_match: 'Does not match',
  rule_disabled: 'Rule disabled',
  workflow_disabled: 'Workflow disabled',
  unknown: 'Unknown (labels or ancestors not readable)',
};

/** "a, b c" → ["a", "b", "c"]: how people type label lists; the server validates each label. */
const labelsOf = (text: string): string[] => text.split(/[\s,]+/).filter((l) => l.length > 0);

function matchText(rule: DraftRule, pageTitle: (id: string) => string): string {
  const parts = [
    ...(rule.match.labelsAny ? [`any label of ${rule.match.labelsAny.join(', ')}`] : []),
    ...(rule.match.labelsAll ? [`all labels ${rule.match.labelsAll.join(', ')}`] : []),
    ...(rule.match.underPageId ? [`under “${pageTitle(rule.match.underPageId)}”`] : []),
  ];
  return parts.join(' and ');
}

export function RoutingTab({ caps }: SpaceTabProps) {
  const flag = useFlag();
  const rules = useAsync(() => call('routing.rules.list', {}), []);
  const workflows = useAsync(() => call('workflow.list', {}), []);
  // undefined: no local edits, the server's list is shown
  const [draft, setDraft] = useState<DraftRule[]>();
  const [pageTitles, setPageTitles] = useState<Record<string, string>>({});
  const save = useAction(
    () => call('routing.rules.save', { rules: draft ?? [], expectedVersion: rules.data?.version }),
    () => {
      flag('Routing rules saved');
      setDraft(undefined);
      rules.reload();
    },
  );
  const workflowName = (id: string) => workflows.data?.workflows.find((w) => w.id === id)?.name ?? id;
  const pageTitle = (id: string) => pageTitles[id] ?? `page ${id}`;
  const editable = caps.isSpaceAdmin;
  const current = draft ?? rules.data?.rules ?? [];
  const changed = draft !== undefined;
  const update = (index: number, rule: DraftRule | undefined) => setDraft(current.flatMap((r, i) => (i !== index ? [r] : rule ? [rule] : [])));

  const rows = [...current]
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => a.rule.priority - b.rule.priority)
    .map(({ rule, index }) => ({
      key: rule.id ?? `new-${index}`,
      testId: 'routing-rule-row',
      cells: [
        { key: 'priority', content: <Text>{rule.priority}</Text> },
        { key: 'match', content: <Text>{matchText(rule, pageTitle)}</Text> },
        { key: 'workflow', content: <Text>{workflowName(rule.workflowId)}</Text> },
        {
          key: 'enabled',
          content: editable ? (
            <Toggle label={`Rule ${rule.priority} enabled`} isChecked={rule.enabled} onChange={() => update(index, { ...rule, enabled: !rule.enabled })} />
          ) : rule.enabled ? (
            <Lozenge appearance="success">Enabled</Lozenge>
          ) : (
            <Lozenge>Disabled</Lozenge>
          ),
        },
        {
          key: 'actions',
          content: editable && (
            <Button spacing="compact" appearance="subtle" onClick={() => update(index, undefined)}>
              Remove
            </Button>
          ),
        },
      ],
    }));

  return (
    <Stack space="space.300">
      <Text as="p" color="color.text.subtle">
        A page without an explicit workflow goes to the first enabled rule (lowest priority number) that matches its labels or place in the page tree. The first
        submit a rule decides binds the page to that workflow.
      </Text>
      <ErrorMessage error={rules.error ?? workflows.error} onRetry={rules.reload} />
      <DataTable
        testId="routing-rules-table"
        label="Routing rules of this space"
        isLoading={rules.loading && !rules.data}
        columns={{ priority: 'Priority', match: 'Matches pages with', workflow: 'Workflow', enabled: 'Enabled', actions: <VisuallyHidden>Actions</VisuallyHidden> }}
        rows={rows}
        emptyView={<Text as="p">No routing rules: pages use their assigned workflow or the space's single enabled one.</Text>}
      />
      {editable && (
        <>
          <AddRule
            workflows={(workflows.data?.workflows ?? []).map((w) => ({ label: w.name, value: w.id }))}
            onAdd={(rule, under) => {
              if (under) setPageTitles({ ...pageTitles, [under.pageId]: under.title });
              setDraft([...current, rule]);
            }}
          />
          <ErrorMessage error={save.error} onDismiss={save.clearError} title="The rules were not saved" />
          <Inline space="space.100">
            <Button appearance="primary" testId="routing-save" isDisabled={!changed || save.busy} onClick={() => void save.run()}>
              Save rules
            </Button>
            <Button isDisabled={!changed || save.busy} onClick={() => setDraft(undefined)}>
              Discard changes
            </Button>
          </Inline>
        </>
      )}
      <ExplainPage spaceId={caps.spaceId} workflowName={workflowName} />
      <AutomationLabels />
    </Stack>
  );
}

function AddRule({ workflows, onAdd }: { workflows: WorkflowOption[]; onAdd: (rule: DraftRule, under?: { pageId: string; title: string }) => void }) {
  const [priority, setPriority] = useState('');
  const [labelsAny, setLabelsAny] = useState('');
  const [labelsAll, setLabelsAll] = useState('');
  const [under, setUnder] = useState<{ pageId: string; title: string }>();
  const [workflow, setWorkflow] = useState<WorkflowOption | null>(null);
  const add = () => {
    const any = labelsOf(labelsAny);
    const all = labelsOf(labelsAll);
    onAdd(
      {
        priority: Number(priority),
        match: { ...(any.length ? { labelsAny: any } : {}), ...(all.length ? { labelsAll: all } : {}), ...(under ? { underPageId: under.pageId } : {}) },
        workflowId: workflow?.value ?? '',
        enabled: true,
      },
      under,
    );
    setPriority('');
    setLabelsAny('');
    setLabelsAll('');
    setUnder(undefined);
  };
  return (
    <Box as="section" aria-labelledby="add-rule-title">
      <Stack space="space.100">
        <Heading size="small" as="h2" id="add-rule-title">
          Add a rule
        </Heading>
        <Inline space="space.100" shouldWrap>
          <Textfield aria-label="Priority" placeholder="Priority (1 first)" width="small" value={priority} onChange={(e) => setPriority(e.currentTarget.value)} testId="rule-priority" />
          <Textfield aria-label="Any of these labels" placeholder="Any of these labels" width="medium" value={labelsAny} onChange={(e) => setLabelsAny(e.currentTarget.value)} testId="rule-labels-any" />
          <Textfield aria-label="All of these labels" placeholder="All of these labels" width="medium" value={labelsAll} onChange={(e) => setLabelsAll(e.currentTarget.value)} testId="rule-labels-all" />
        </Inline>
        <SinglePagePicker label="Under page (optional)" value={under} onChange={setUnder} />
        <Stack space="space.050">
          <label htmlFor="rule-workflow">
            <Text weight="medium">Workflow</Text>
          </label>
          <Select<WorkflowOption> inputId="rule-workflow" options={workflows} value={workflow} onChange={(o) => setWorkflow(o)} />
        </Stack>
        <Inline>
          <Button testId="rule-add" onClick={add}>
            Add to the list
          </Button>
        </Inline>
      </Stack>
    </Box>
  );
}

function ExplainPage({ spaceId, workflowName }: { spaceId: string; workflowName: (id: string) => string }) {
  const [page, setPage] = useState<{ pageId: string; title: string }>();
  const explain = useAsync(async () => (page ? call('routing.explain', { pageId: page.pageId }) : undefined), [page?.pageId]);
  const e = explain.data;
  return (
    <Box as="section" aria-labelledby="explain-title">
      <Stack space="space.100">
        <Heading size="small" as="h2" id="explain-title">
          Explain this page
        </Heading>
        <SinglePagePicker label="Page" value={page} onChange={setPage} spaceId={spaceId} />
        <ErrorMessage error={explain.error} onRetry={explain.reload} />
        {e && (
          <Stack space="space.100" testId="routing-explanation">
            {!e.complete && <Lozenge appearance="moved">Labels or ancestors could not all be read as you: rules could not be evaluated</Lozenge>}
            <Text as="p">Labels: {e.labels.length ? e.labels.join(', ') : 'none'}</Text>
            <Text as="p">
              {e.assignment
                ? `Assigned to ${workflowName(e.assignment.workflowId)}${e.assignment.source?.startsWith('rule:') ? ' by a routing rule' : ''}.`
                : e.matchedRuleId
                  ? `No assignment yet: the rule with priority ${e.rules.find((r) => r.ruleId === e.matchedRuleId)?.priority} decides (${workflowName(e.rules.find((r) => r.ruleId === e.matchedRuleId)?.workflowId ?? '')}).`
                  : 'No assignment and no matching rule.'}
            </Text>
            {e.drift && (
              <Lozenge appearance="moved" testId="routing-drift">
                Routing drift: the rule that bound this page would no longer route it; a space admin may re-assign it
              </Lozenge>
            )}
            <Stack as="ul" space="space.050">
              {e.rules.map((r) => (
                <Box as="li" key={r.ruleId}>
                  <Text>{`Priority ${r.priority} → ${workflowName(r.workflowId)}: ${VERDICT_LABEL[r.verdict]}`}</Text>
                </Box>
              ))}
            </Stack>
          </Stack>
        )}
      </Stack>
    </Box>
  );
}
