/**
 * Pickers that search by name on the server, as the signed-in person (SPEC §6): people and groups,
 * pages of the current space, spaces. Ids never have to be typed; chosen entries show their names.
 */
import { useId, useState } from 'react';
import { AsyncSelect } from '@atlaskit/select';
import { call } from '../api';
import { GROUP_PREFIX, groupIdOf } from '../../../src/core/domain/approvers';
import { useNameOf, useRequestNames } from '../people';
import { LabelledField } from './form-modal';

interface Option {
  label: string;
  value: string;
}

type Kind = 'user' | 'group' | 'page' | 'space';

async function search(kinds: Kind[], query: string, spaceId?: string): Promise<(Option & { detail?: string })[]> {
  if (query.trim().length === 0) return [];
  const lists = await Promise.all(
    kinds.map(async (kind) => {
      const r = await call('ui.search', { kind, query: query.trim(), ...(spaceId ? { spaceId } : {}) });
      return r.results.map((x) => ({
        value: kind === 'group' ? `${GROUP_PREFIX}${x.id}` : x.id,
        label: kind === 'group' ? `Group: ${x.label}` : x.label,
        ...(x.detail ? { detail: x.detail } : {}),
      }));
    }),
  );
  return lists.flat();
}

/** People (and, with groups, "group:<id>" entries) by display name. Value: account ids / group entries. */
export function PeoplePicker({ label, value, onChange, groups = false, testId, hint }: { label: string; value: string[]; onChange: (ids: string[]) => void; groups?: boolean; testId?: string; hint?: string }) {
  const id = useId();
  const nameOf = useNameOf();
  // A chosen entry keeps the label it was picked with; entries chosen earlier are named by lookup, never shown as ids.
  const [picked, setPicked] = useState<Record<string, string>>({});
  useRequestNames(value);
  const labelOf = (v: string) => {
    const name = nameOf(v);
    if (groupIdOf(v) !== undefined) return name ? `Group: ${name}` : 'Group';
    return name ?? 'Loading name…';
  };
  const selected = value.map((v) => ({ value: v, label: picked[v] ?? labelOf(v) }));
  return (
    <LabelledField label={label} htmlFor={id} hint={hint}>
      <AsyncSelect<Option, true>
        inputId={id}
        testId={testId}
        isMulti
        cacheOptions
        placeholder={groups ? 'Type a name or a group…' : 'Type a name…'}
        noOptionsMessage={({ inputValue }) => (inputValue ? `Nobody matches “${inputValue}”.` : 'Type to search.')}
        loadOptions={(q) => search(groups ? ['user', 'group'] : ['user'], q)}
        value={selected}
        onChange={(options) => {
          setPicked((p) => ({ ...p, ...Object.fromEntries(options.map((o) => [o.value, o.label])) }));
          onChange(options.map((o) => o.value));
        }}
      />
    </LabelledField>
  );
}

/** Pages of one space by title. Value: {pageId, title}. */
export function PagePicker({ label, value, onChange, spaceId }: { label: string; value: { pageId: string; title: string }[]; onChange: (pages: { pageId: string; title: string }[]) => void; spaceId?: string }) {
  const id = useId();
  return (
    <LabelledField label={label} htmlFor={id}>
      <AsyncSelect<Option, true>
        inputId={id}
        testId="page-picker"
        isMulti
        cacheOptions
        placeholder="Type a page title…"
        noOptionsMessage={({ inputValue }) => (inputValue ? `No page titled like “${inputValue}”.` : 'Type to search.')}
        loadOptions={(q) => search(['page'], q, spaceId)}
        value={value.map((p) => ({ value: p.pageId, label: p.title || 'Untitled page' }))}
        onChange={(options) => onChange(options.map((o) => ({ pageId: o.value, title: o.label })))}
      />
    </LabelledField>
  );
}

/** One search result, clearable. */
function SingleSearchPicker(props: { label: string; testId?: string; placeholder: string; load: (query: string) => Promise<Option[]>; value: Option | null; onChange: (option: Option | null) => void }) {
  const id = useId();
  return (
    <LabelledField label={props.label} htmlFor={id}>
      <AsyncSelect<Option, false> inputId={id} testId={props.testId} cacheOptions isClearable placeholder={props.placeholder} loadOptions={props.load} value={props.value} onChange={props.onChange} />
    </LabelledField>
  );
}

/** One page of a space by title. */
export function SinglePagePicker({ label, value, onChange, spaceId }: { label: string; value?: { pageId: string; title: string }; onChange: (page?: { pageId: string; title: string }) => void; spaceId?: string }) {
  return (
    <SingleSearchPicker
      label={label}
      testId="single-page-picker"
      placeholder="Type a page title…"
      load={(q) => search(['page'], q, spaceId)}
      value={value ? { value: value.pageId, label: value.title } : null}
      onChange={(o) => onChange(o ? { pageId: o.value, title: o.label } : undefined)}
    />
  );
}

/** A space by key or name. Value: {spaceId, label}. */
export function SpacePicker({ label, value, onChange, testId }: { label: string; value?: { spaceId: string; label: string }; onChange: (space?: { spaceId: string; label: string }) => void; testId?: string }) {
  return (
    <SingleSearchPicker
      label={label}
      testId={testId}
      placeholder="Type a space key or name…"
      load={(q) => search(['space'], q)}
      value={value ? { value: value.spaceId, label: value.label } : null}
      onChange={(o) => onChange(o ? { spaceId: o.value, label: o.label } : undefined)}
    />
  );
}

/**
 * A change set of one space by title, open or archived: the ones the signed-in person can see
 * (changeSet.list answers only those). Value: {changeSetId, title}.
 */
export function ChangeSetPicker({ label, value, onChange, spaceId }: { label: string; value?: { changeSetId: string; title: string }; onChange: (changeSet?: { changeSetId: string; title: string }) => void; spaceId: string }) {
  const id = useId();
  const load = async (query: string): Promise<Option[]> => {
    const lists = await Promise.all((['open', 'archived'] as const).map((status) => call('changeSet.list', { spaceId, status, limit: 100 })));
    const words = query.trim().toLowerCase();
    return lists
      .flatMap((r) => r.changeSets)
      .filter((cs) => cs.title.toLowerCase().includes(words))
      .map((cs) => ({ value: cs.id, label: cs.status === 'archived' ? `${cs.title} (archived)` : cs.title }));
  };
  return (
    <LabelledField label={label} htmlFor={id}>
      <AsyncSelect<Option, false>
        key={spaceId}
        inputId={id}
        testId="filter-changeset"
        defaultOptions
        isClearable
        placeholder="Choose a change set…"
        loadOptions={load}
        value={value ? { value: value.changeSetId, label: value.title } : null}
        onChange={(o) => onChange(o ? { changeSetId: o.value, title: o.label } : undefined)}
      />
    </LabelledField>
  );
}
