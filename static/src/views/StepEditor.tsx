/**
 * One step in the workflow editor (SPEC 2.1a): its approver groups, each with who may approve and
 * how many must (one, all, or a number), and for several groups the reject policy and whether one
 * person may fill slots in two groups. The server judges the result (QUORUM_UNREACHABLE etc.).
 */
import Button from '@atlaskit/button/new';
import Textfield from '@atlaskit/textfield';
import Toggle from '@atlaskit/toggle';
import { RadioGroup } from '@atlaskit/radio';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { FIELD_LIMITS } from '../../../src/core/domain/limits';
import type { RejectPolicy, WorkflowStep } from '../../../src/core/domain/model';
import { stepGroups } from '../../../src/core/domain/step-composition';
import { PeoplePicker } from '../components/pickers';
import { LabelledField } from '../components/form-modal';

export interface GroupDraft {
  name: string;
  approvers: string[];
  /** "one" | "all" | "count" (then `count`) */
  need: 'one' | 'all' | 'count';
  count: number;
}

export interface StepDraft {
  name: string;
  groups: GroupDraft[];
  reject: 'any' | 'unreachable' | 'threshold';
  threshold: number;
  distinct: boolean;
  /** SPEC 2.3c: the step's electronic-signature settings, kept as they are */
  signature?: WorkflowStep['signature'];
}

export const emptyGroup = (): GroupDraft => ({ name: '', approvers: [], need: 'one', count: 2 });
export const emptyStep = (): StepDraft => ({ name: '', groups: [emptyGroup()], reject: 'any', threshold: 2, distinct: true });

export function draftOf(step: WorkflowStep): StepDraft {
  const policy = step.rejectPolicy ?? 'any';
  return {
    name: step.name ?? '',
    groups: stepGroups(step).map((g) => ({ name: g.name, approvers: g.approvers, need: g.required === 'all' ? 'all' : g.required === 1 ? 'one' : 'count', count: g.required === 'all' ? 2 : g.required })),
    reject: typeof policy === 'string' ? policy : 'threshold',
    threshold: typeof policy === 'string' ? 2 : policy.threshold,
    distinct: step.distinctAcrossGroups ?? true,
    ...(step.signature ? { signature: step.signature } : {}),
  };
}

const keyOf = (g: GroupDraft, j: number): string => g.name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 24) || `group_${j + 1}`;

/** The short form for one group of "one"/"all" with the default policy (what existing integrations read); else the group form. */
export function stepOf(d: StepDraft): WorkflowStep {
  const name = { ...(d.name.trim() ? { name: d.name.trim() } : {}), ...(d.signature ? { signature: d.signature } : {}) };
  const [only] = d.groups;
  if (d.groups.length === 1 && only && only.need !== 'count' && d.reject === 'any') return { ...name, approvers: only.approvers, mode: only.need === 'all' ? 'all' : 'any' };
  const keys = new Set<string>();
  const groups = d.groups.map((g, j) => {
    let key = keyOf(g, j);
    while (keys.has(key)) key = `${key}_${j + 1}`;
    keys.add(key);
    return { key, name: g.name.trim() || `Group ${j + 1}`, approvers: g.approvers, required: g.need === 'all' ? ('all' as const) : g.need === 'one' ? 1 : g.count };
  });
  const rejectPolicy: RejectPolicy = d.reject === 'threshold' ? { threshold: d.threshold } : d.reject;
  return { ...name, groups, ...(d.reject !== 'any' ? { rejectPolicy } : {}), ...(d.distinct ? {} : { distinctAcrossGroups: false }) };
}

const number = (value: string, fallback: number): number => (Number.isInteger(Number(value)) && value.trim() !== '' ? Number(value) : fallback);

export function StepEditor({ step, index, onChange }: { step: StepDraft; index: number; onChange: (next: StepDraft) => void }) {
  const setGroup = (j: number, patch: Partial<GroupDraft>) => onChange({ ...step, groups: step.groups.map((g, k) => (k === j ? { ...g, ...patch } : g)) });
  const several = step.groups.length > 1;
  return (
    <Stack space="space.100">
      {step.groups.map((g, j) => (
        <Box key={j} padding="space.100" backgroundColor="color.background.neutral" testId={`wf-group-${index}-${j}`}>
          <Stack space="space.075">
            {several && (
              <LabelledField htmlFor={`wf-group-name-${index}-${j}`} label={`Group ${j + 1} name`}>
                <Textfield id={`wf-group-name-${index}-${j}`} maxLength={FIELD_LIMITS.groupName.max} value={g.name} onChange={(e) => setGroup(j, { name: e.currentTarget.value })} />
              </LabelledField>
            )}
            <PeoplePicker label={several ? `Approvers of group ${j + 1}` : 'Approvers'} groups value={g.approvers} onChange={(approvers) => setGroup(j, { approvers })} testId={j === 0 ? `wf-approvers-${index}` : `wf-approvers-${index}-${j}`} />
            <RadioGroup
              aria-label={`How many must approve${several ? ` in group ${j + 1}` : ''} of step ${index + 1}`}
              name={`need-${index}-${j}`}
              value={g.need}
              options={[
                { name: `need-${index}-${j}`, value: 'one', label: 'Any one approver' },
                { name: `need-${index}-${j}`, value: 'all', label: 'All approvers' },
                { name: `need-${index}-${j}`, value: 'count', label: 'A number of approvers' },
              ]}
              onChange={(e) => setGroup(j, { need: e.currentTarget.value as GroupDraft['need'] })}
            />
            {g.need === 'count' && (
              <LabelledField htmlFor={`wf-count-${index}-${j}`} label="How many">
                <Textfield id={`wf-count-${index}-${j}`} type="number" min={FIELD_LIMITS.groupRequired.min} max={FIELD_LIMITS.groupRequired.max} value={String(g.count)} onChange={(e) => setGroup(j, { count: number(e.currentTarget.value, g.count) })} />
              </LabelledField>
            )}
            {several && (
              <Inline>
                <Button appearance="subtle" onClick={() => onChange({ ...step, groups: step.groups.filter((_, k) => k !== j) })}>
                  Remove group {j + 1}
                </Button>
              </Inline>
            )}
          </Stack>
        </Box>
      ))}
      {step.groups.length < FIELD_LIMITS.stepGroups.max && (
        <Inline>
          <Button onClick={() => onChange({ ...step, groups: [...step.groups, emptyGroup()] })} testId={`wf-add-group-${index}`}>
            Add approver group
          </Button>
        </Inline>
      )}
      {several && (
        <Inline space="space.100" alignBlock="center">
          <Toggle id={`wf-distinct-${index}`} isChecked={step.distinct} onChange={() => onChange({ ...step, distinct: !step.distinct })} />
          <label htmlFor={`wf-distinct-${index}`}>
            <Text>One person counts toward one group only</Text>
          </label>
        </Inline>
      )}
      <RadioGroup
        aria-label={`When rejections reject step ${index + 1}`}
        name={`reject-${index}`}
        value={step.reject}
        options={[
          { name: `reject-${index}`, value: 'any', label: 'The first rejection rejects the step' },
          { name: `reject-${index}`, value: 'unreachable', label: 'Rejected once a group can no longer get its approvals' },
          { name: `reject-${index}`, value: 'threshold', label: 'Rejected after a number of rejections' },
        ]}
        onChange={(e) => onChange({ ...step, reject: e.currentTarget.value as StepDraft['reject'] })}
      />
      {step.reject === 'threshold' && (
        <LabelledField htmlFor={`wf-threshold-${index}`} label="Rejections that reject the step">
          <Textfield id={`wf-threshold-${index}`} type="number" min={FIELD_LIMITS.rejectThreshold.min} max={FIELD_LIMITS.rejectThreshold.max} value={String(step.threshold)} onChange={(e) => onChange({ ...step, threshold: number(e.currentTarget.value, step.threshold) })} />
        </LabelledField>
      )}
    </Stack>
  );
}
