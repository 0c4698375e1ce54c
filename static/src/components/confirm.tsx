/** Bulk and destructive actions confirm in a modal that states the consequence (SPEC §6). */
import { useState, type ReactNode } from 'react';
import Button from '@atlaskit/button/new';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';

export interface ConfirmRequest {
  title: string;
  /** the consequence, in one or two sentences */
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
}

/** Holds at most one pending confirmation; `ask(request)` opens the modal. */
export function useConfirm(): { ask: (request: ConfirmRequest) => void; modal: ReactNode } {
  const [request, setRequest] = useState<ConfirmRequest>();
  const close = () => setRequest(undefined);
  const modal = (
    <ModalTransition>
      {request && (
        <Modal onClose={close} testId="confirm-modal" width="small">
          <ModalHeader hasCloseButton>
            <ModalTitle appearance={request.danger ? 'danger' : undefined}>{request.title}</ModalTitle>
          </ModalHeader>
          <ModalBody>{request.body}</ModalBody>
          <ModalFooter>
            <Button appearance="subtle" onClick={close}>
              Cancel
            </Button>
            <Button
              appearance={request.danger ? 'danger' : 'primary'}
              testId="confirm-button"
              onClick={() => {
                close();
                request.onConfirm();
              }}
            >
              {request.confirmLabel}
            </Button>
          </ModalFooter>
        </Modal>
      )}
    </ModalTransition>
  );
  return { ask: setRequest, modal };
}
