/**
 * Inline field validation before anything is sent or confirmed, with @atlaskit/form (the message
 * sits under its field, tied to it by aria-describedby). The limits are the server's own
 * (src/core/domain/limits.ts), so the form refuses exactly what the server would refuse.
 */
import { useState, type ReactNode } from 'react';
import { ErrorMessage, Field, HelperMessage, type FieldProps } from '@atlaskit/form';

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

/**
 * An @atlaskit/form Field: its label, the control `children` renders from the field's props, and
 * under it the hint, replaced by the field's error once it is invalid (ADS: shown after a change or
 * a submit; the Form calls its onSubmit only when every field is valid). The error's test id is
 * `<id>-error`.
 */
export function CheckedField<V = string>(props: {
  id: string;
  label: string;
  hint?: string;
  defaultValue?: V;
  validate: (value: V | undefined) => string | undefined;
  children: (fieldProps: FieldProps<V>) => ReactNode;
}) {
  // The first default only: a Field given a new default re-registers, which would reset "dirty" (and hide the error).
  const [initial] = useState(props.defaultValue);
  return (
    <Field<V> name={props.id} id={props.id} label={props.label} {...(initial !== undefined ? { defaultValue: initial } : {})} validate={(v) => props.validate(v)}>
      {({ fieldProps, error }) => (
        <>
          {props.children(fieldProps)}
          {error ? <ErrorMessage testId={`${props.id}-error`}>{error}</ErrorMessage> : props.hint ? <HelperMessage>{props.hint}</HelperMessage> : null}
        </>
      )}
    </Field>
  );
}
