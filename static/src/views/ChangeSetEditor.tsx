/** Create or edit a change set in a modal: title, summary, reference link and its pages (picked by title). */
import { useState } from 'react';
import Textfield from '@atlaskit/textfield';
import TextArea from '@atlaskit/textarea';
import { Stack } from '@atlaskit/primitives';
import { call } from '../api';
import { FIELD_LIMITS } from '../../../src/core/domain/limits';
import { useAction } from '../hooks';
import type { ChangeSetView } from '../../../src/core/domain/model';
import { useFlag } from '../components/feedback';
import { PagePicker } from '../components/pickers';
import { FormModal, LabelledField } from '../components/form-modal';

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
    <FormModal record="changeset" title={existing ? 'Edit change set' : 'New change set'} submitLabel={existing ? 'Save' : 'Create'} width="medium" save={save} ready={title.trim() !== '' && pages.length > 0} onClose={onClose}>
      <Stack space="space.150">
        <LabelledField htmlFor="cs-title" label="Title">
          <Textfield id="cs-title" testId="cs-title" isRequired maxLength={FIELD_LIMITS.changeSetTitle.max} value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        </LabelledField>
        <LabelledField htmlFor="cs-summary" label="Summary">
          <TextArea id="cs-summary" maxLength={FIELD_LIMITS.changeSetSummary.max} minimumRows={3} value={summary} onChange={(e) => setSummary(e.currentTarget.value)} />
        </LabelledField>
        <LabelledField htmlFor="cs-ref" label="Reference link (for example a pull request)">
          <Textfield id="cs-ref" type="url" maxLength={FIELD_LIMITS.referenceUrl.max} value={referenceUrl} onChange={(e) => setReferenceUrl(e.currentTarget.value)} />
        </LabelledField>
        <PagePicker label="Pages (up to 100, from this space)" value={pages} onChange={setPages} />
      </Stack>
    </FormModal>
  );
}
