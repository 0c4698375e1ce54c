/** One workflow step in words: "any one of …" / "all of …", or each group with its count (SPEC 2.1a). */
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import type { WorkflowStep } from '../../../src/core/domain/model';
import { stepGroups } from '../../../src/core/domain/step-composition';
import { PersonList } from '../people';

export function StepSummary({ step }: { step: WorkflowStep }) {
  const prefix = step.name ? `${step.name}: ` : '';
  if (step.mode) {
    return (
      <Box>
        <Text>{`${prefix}${step.mode === 'all' ? 'all of ' : 'any one of '}`}</Text>
        <PersonList ids={step.approvers ?? []} />
      </Box>
    );
  }
  return (
    <Stack space="space.025">
      {prefix && <Text>{prefix}</Text>}
      {stepGroups(step).map((g) => (
        <Inline key={g.key} space="space.050" alignBlock="center" shouldWrap>
          <Text>{`${g.name}: ${g.required === 'all' ? 'all' : g.required} of`}</Text>
          <PersonList ids={g.approvers} />
        </Inline>
      ))}
    </Stack>
  );
}
