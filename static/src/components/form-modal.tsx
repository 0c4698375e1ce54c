/** The editors' shared modal form: title, a body, Cancel + a submit button; Enter submits. */
import type { ReactNode } from 'react';
import Button from '@atlaskit/button/new';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import { Stack, Text } from '@atlaskit/primitives';

export function FormModal(props: {
  title: string;
  testId: string;
  width: 'medium' | 'large';
  onClose: () => void;
  onSubmit: () => void;
  submitLabel: string;
  submitTestId: string;
  canSubmit: boolean;
  children: ReactNode;
}) {
  return (
    <ModalTransition>
      <Modal onClose={props.onClose} testId={props.testId} width={props.width}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            props.onSubmit();
          }}
        >
          <ModalHeader hasCloseButton>
            <ModalTitle>{props.title}</ModalTitle>
          </ModalHeader>
          <ModalBody>{props.children}</ModalBody>
          <ModalFooter>
            <Button appearance="subtle" onClick={props.onClose}>
              Cancel
            </Button>
            <Button appearance="primary" type="submit" testId={props.submitTestId} isDisabled={!props.canSubmit}>
              {props.submitLabel}
            </Button>
          </ModalFooter>
        </form>
      </Modal>
    </ModalTransition>
  );
}

/** A visible label above its input, tied to it by `htmlFor`. */
export function LabelledField({ htmlFor, label, children }: { htmlFor: string; label: string; children: ReactNode }) {
  return (
    <Stack space="space.050">
      <label htmlFor={htmlFor}>
        <Text weight="medium">{label}</Text>
      </label>
      {children}
    </Stack>
  );
}
