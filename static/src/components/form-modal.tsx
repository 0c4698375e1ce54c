/**
 * The editors' shared modal form (an @atlaskit/form Form): title, the fields, the save error, Cancel
 * + a submit button; Enter submits. Submitting runs `save` once every Field is valid; the button
 * waits until the fields are `ready` and no save runs.
 */
import { useRef, type ReactNode } from 'react';
import Button from '@atlaskit/button/new';
import Form from '@atlaskit/form';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import { Stack, Text } from '@atlaskit/primitives';
import { ErrorMessage } from './ui';

export interface SaveAction {
  run: () => Promise<unknown>;
  busy: boolean;
  error: unknown;
  clearError: () => void;
}

/** `record` names the test ids: `<record>-editor` (the modal) and `save-<record>` (its submit button). */
export function FormModal(props: { record: string; title: string; submitLabel: string; width: 'medium' | 'large'; save: SaveAction; ready: boolean; onClose: () => void; children: ReactNode }) {
  const { save } = props;
  // The first field gets the focus when the dialog opens (ADS: initial focus on the first input, not on Close).
  // (the ref is set when the body mounts, before the modal moves the focus)
  const firstField = useRef<HTMLElement | null>(null);
  const findFirstField = (body: HTMLDivElement | null) => {
    firstField.current = body?.querySelector<HTMLElement>('input:not([type="hidden"]), textarea, select') ?? null;
  };
  return (
    <ModalTransition>
      <Modal onClose={props.onClose} testId={`${props.record}-editor`} width={props.width} autoFocus={firstField}>
        {/* @atlaskit/form: submitting first checks every Field; an invalid one shows its error instead of saving */}
        <Form onSubmit={() => void save.run()}>
          {({ formProps }) => (
        <form {...formProps}>
          <ModalHeader hasCloseButton>
            <ModalTitle>{props.title}</ModalTitle>
          </ModalHeader>
          <ModalBody>
            <div ref={findFirstField}>
              <Stack space="space.150">
                {props.children}
                <ErrorMessage error={save.error} onDismiss={save.clearError} />
              </Stack>
            </div>
          </ModalBody>
          <ModalFooter>
            <Button appearance="subtle" onClick={props.onClose}>
              Cancel
            </Button>
            <Button appearance="primary" type="submit" testId={`save-${props.record}`} isDisabled={save.busy || !props.ready}>
              {props.submitLabel}
            </Button>
          </ModalFooter>
        </form>
          )}
        </Form>
      </Modal>
    </ModalTransition>
  );
}

/**
 * A visible label above its input, tied to it by `htmlFor`; an optional hint below (id `<htmlFor>-hint`,
 * for aria-describedby).
 */
export function LabelledField({ htmlFor, label, hint, children }: { htmlFor: string; label: string; hint?: string; children: ReactNode }) {
  return (
    <Stack space="space.050">
      <label htmlFor={htmlFor}>
        <Text weight="medium">{label}</Text>
      </label>
      {children}
      {hint && (
        <Text size="small" color="color.text.subtle" id={`${htmlFor}-hint`}>
          {hint}
        </Text>
      )}
    </Stack>
  );
}
