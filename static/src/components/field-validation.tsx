/**
 * Inline field validation before anything is sent or confirmed (ADS form pattern: the message sits
 * under its field and is tied to it by aria-describedby). The limits are the server's own
 * (src/core/domain/limits.ts), so the form refuses exactly what the server would refuse.
 * (@atlaskit/form is not installed; these keep its look: a red line under the field.)
 */
import type { ReactNode } from 'react';
import { Text } from '@atlaskit/primitives';
import { LabelledField } from './form-modal';

/** A whole number within [min, max], or the sentence saying why not; '' is allowed only when `optional`. */
export function wholeNumberError(raw: string, limits: { min: number; max: number }, optional = false): string | undefined {
  const text = raw.trim();
  if (text === '') return optional ? undefined : `Enter a number from ${limits.min} to ${limits.max}.`;
  if (!/^\d+$/.test(text)) return 'Enter a whole number of days.';
  const n = Number(text);
  if (n < limits.min) return `At least ${limits.min} days.`;
  if (n > limits.max) return `At most ${limits.max} days.`;
  return undefined;
}

/** '' → null, else the number (call only after wholeNumberError said it is valid). */
export const daysOrNull = (raw: string): number | null => (raw.trim() === '' ? null : Number(raw.trim()));

/** The ids a field's aria-describedby lists: its hint and, when invalid, its error. */
export const describedBy = (id: string, hint: boolean, error: string | undefined): string | undefined =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

/** Label, field, hint and the inline error under it (id `<htmlFor>-error`, announced when it appears). */
export function ValidatedField({ htmlFor, label, hint, error, children }: { htmlFor: string; label: string; hint?: string; error?: string; children: ReactNode }) {
  const message = (
    <div aria-live="polite">
      {error && (
        <Text size="small" color="color.text.danger" id={`${htmlFor}-error`} testId={`${htmlFor}-error`}>
          {error}
        </Text>
      )}
    </div>
  );
  return (
    <LabelledField htmlFor={htmlFor} label={label} {...(hint ? { hint } : {})} after={message}>
      {children}
    </LabelledField>
  );
}
