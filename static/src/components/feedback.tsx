/**
 * Feedback after actions (SPEC §6): a flag for every completed action, and a modal that states the
 * consequence before a bulk or destructive one.
 */
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import Flag, { FlagGroup } from '@atlaskit/flag';
import Button from '@atlaskit/button/new';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import { token } from '@atlaskit/tokens';
import SuccessIcon from '@atlaskit/icon/core/status-success';
import ErrorIcon from '@atlaskit/icon/core/status-error';

interface FlagEntry {
  id: number;
  title: string;
  description?: string;
  appearance: 'success' | 'error';
}

const FlagContext = createContext<(title: string, description?: string, appearance?: FlagEntry['appearance']) => void>(() => undefined);

/** `const flag = useFlag(); flag('Approved', 'Bob Author was notified.')` */
export const useFlag = () => useContext(FlagContext);

export function FlagProvider({ children }: { children: ReactNode }) {
  const [flags, setFlags] = useState<FlagEntry[]>([]);
  const show = useCallback((title: string, description?: string, appearance: FlagEntry['appearance'] = 'success') => {
    const id = Date.now() + Math.random();
    setFlags((f) => [{ id, title, description, appearance }, ...f].slice(0, 3));
    // Flags go away on their own after a while, as ADS auto-dismiss flags do.
    setTimeout(() => setFlags((f) => f.filter((x) => x.id !== id)), 8000);
  }, []);
  return (
    <FlagContext.Provider value={show}>
      {children}
      <FlagGroup onDismissed={(id) => setFlags((f) => f.filter((x) => x.id !== id))} label="Notifications">
        {flags.map((f) => (
          <Flag
            key={f.id}
            id={f.id}
            testId="flag"
            title={f.title}
            description={f.description}
            icon={
              f.appearance === 'success' ? (
                <SuccessIcon label="Success" color={token('color.icon.success')} />
              ) : (
                <ErrorIcon label="Error" color={token('color.icon.danger')} />
              )
            }
          />
        ))}
      </FlagGroup>
    </FlagContext.Provider>
  );
}

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
