/** Create or edit a change set in a modal: title, summary, reference link and its pages (picked by title). */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@atlaskit/modal-dialog';
import Textfield from '@atlaskit/textfield';
import TextArea from '@atlaskit/textarea';
import { Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { FIELD_LIMITS } from '../../../src/core/domain/limits';
import { useAction } from '../hooks';
import type { ChangeSetView } from '../../../src/core/domain/model';
import { ErrorMessage } from '../components/ui';
import { useFlag } from '../components/feedback';
import { PagePicker } from '../components/pickers';

export function ChangeSetEditor({ existing, onClose, onSaved }: { existing?: ChangeSetView; onClose: () => void; onSaved: (cs: ChangeSetView) => void }) {
  const flag = useFlag();
  const [title, setTitle] = useState(existing?.title ?? '');
  const [summary, setSummary] = useState(existing?.summary ?? '');
  const [referenceUrl, setReferenceUrl] = useState(existing?.referenceUrl ?? '');
  const [pages, setPages] = useState<{ pageId: string; title: string }[]>(existing?.pages.map((p) => ({ pageId: p.pageId, title: p.title })) ?? []);
  const save = useAction(
    async () => {
      const fields = {
        title: title.trim(),
        summary,
        ...(referenceUrl.trim() ? { referenceUrl: referenceUrl.trim() } : {}),
        pageRefs: pages.map((p) => ({ pageId: p.pageId })),
      };
      const r = existing
        ? await call('changeSet.update', { changeSetId: existing.id, expectedVersion: existing.version, ...fields })
        : await call('changeSet.create', fields);
      return r.changeSet;
    },
    (cs) => {
      flag(existing ? 'Change set saved' : 'Change set created', `${cs.pageRefs.length} page${cs.pageRefs.length === 1 ? '' : 's'}. Nothing was submitted yet.`);
      onSaved(cs);
    },
  );
  return (
    <ModalTransition>
      <Modal onClose={onClose} testId="changeset-editor" width="medium">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save.run();
          }}
        >
          <ModalHeader hasCloseButton>
            <ModalTitle>{existing ? 'Edit change set' : 'New change set'}</ModalTitle>
          </ModalHeader>
          <ModalBody>
            <Stack space="space.150">
              <Stack space="space.050">
                <label htmlFor="cs-title">
                  <Text weight="medium">Title</Text>
                </label>
                <Textfield id="cs-title" testId="cs-title" isRequired maxLength={FIELD_LIMITS.changeSetTitle.max} value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
              </Stack>
              <Stack space="space.050">
                <label htmlFor="cs-summary">
                  <Text weight="medium">Summary</Text>
                </label>
                <TextArea id="cs-summary" maxLength={FIELD_LIMITS.changeSetSummary.max} minimumRows={3} value={summary} onChange={(e) => setSummary(e.currentTarget.value)} />
              </Stack>
              <Stack space="space.050">
                <label htmlFor="cs-ref">
                  <Text weight="medium">Reference link (for example a pull request)</Text>
                </label>
                <Textfield id="cs-ref" type="url" maxLength={FIELD_LIMITS.referenceUrl.max} value={referenceUrl} onChange={(e) => setReferenceUrl(e.currentTarget.value)} />
              </Stack>
              <PagePicker label="Pages (up to 100, from this space)" value={pages} onChange={setPages} />
              <ErrorMessage error={save.error} onDismiss={save.clearError} />
            </Stack>
          </ModalBody>
          <ModalFooter>
            <Button appearance="subtle" onClick={onClose}>
              Cancel
            </Button>
            <Button appearance="primary" type="submit" testId="save-changeset" isDisabled={save.busy || !title.trim() || pages.length === 0}>
              {existing ? 'Save' : 'Create'}
            </Button>
          </ModalFooter>
        </form>
      </Modal>
    </ModalTransition>
  );
}
