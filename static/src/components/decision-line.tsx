/**
 * One decision as people read it, wherever decisions are listed (page history, a change set's set
 * approval): step, who (and on whose behalf), what, when, the comment and the signature.
 */
import { Inline, Text } from '@atlaskit/primitives';
import type { Decision } from '../../../src/core/domain/model';
import { signatureManifestation } from '../../../src/core/domain/manifestation';
import { formatTime } from './ui';
import { Person } from '../people';

export function DecisionLine({ decision: d, as }: { decision: Decision; as?: 'li' }) {
  return (
    <Inline {...(as ? { as } : {})} space="space.075" alignBlock="center" shouldWrap>
      <Text color="color.text.subtle">Step {d.step + 1}:</Text>
      <Person id={d.accountId} />
      {d.onBehalfOf && (
        <Inline as="span" space="space.050" alignBlock="center" testId="on-behalf-of">
          <Text>on behalf of</Text>
          <Person id={d.onBehalfOf} />
        </Inline>
      )}
      <Text>{d.decision === 'approve' ? 'approved' : 'requested changes'}</Text>
      <Text color="color.text.subtle">{formatTime(d.at)}</Text>
      {d.comment && <Text as="em">“{d.comment}”</Text>}
      {d.signature && <Text testId="signature-manifestation">Signed: {signatureManifestation(d.signature)}</Text>}
    </Inline>
  );
}
