/**
 * An audit record's details as a person reads them: dates instead of epoch milliseconds, people
 * and workflows by name instead of ids, "none" instead of null, states in the one vocabulary.
 * Which fields hold what is known per field name (the records' details are written by the engine).
 */
import type { ReactNode } from 'react';
import { Box, Inline, Text } from '@atlaskit/primitives';
import { APPROVAL_STATUSES, type ApprovalStatus, type AuditRecord } from '../../../src/core/domain/model';
import { STATE_LABEL, approvalStatusWord } from '../../../src/core/domain/vocabulary';
import { PersonList } from '../people';
import { formatTime } from './ui';
import { PEOPLE_FIELDS, STATUS_FIELDS, TIME_FIELDS, WORKFLOW_FIELDS_OF, fieldLabel } from '../../../src/core/domain/audit-fields';

function plainValue(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return value.length ? value.map(plainValue).join(', ') : 'none';
  if (typeof value === 'object') return Object.entries(value).map(([k, v]) => `${fieldLabel(k)}: ${plainValue(v)}`).join('; ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function valueOf(record: AuditRecord, key: string, value: unknown, workflowName: (id: string) => string | undefined): ReactNode {
  if (value === null || value === undefined) return 'none';
  if (PEOPLE_FIELDS.has(key) && (typeof value === 'string' || Array.isArray(value))) {
    const ids = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    return ids.length ? <PersonList ids={ids} /> : 'none';
  }
  if (TIME_FIELDS.has(key) && typeof value === 'number') return formatTime(value);
  if (WORKFLOW_FIELDS_OF[record.action]?.has(key) && typeof value === 'string') return workflowName(value) ?? 'a workflow that no longer exists';
  if (STATUS_FIELDS.has(key) && (APPROVAL_STATUSES as readonly unknown[]).includes(value)) return STATE_LABEL[approvalStatusWord(value as ApprovalStatus)];
  return plainValue(value);
}

/** The workflow ids a record's details name, for one batched name lookup. */
export function workflowIdsOf(record: AuditRecord): string[] {
  const fields = WORKFLOW_FIELDS_OF[record.action];
  if (!fields) return [];
  return Object.entries(record.details).flatMap(([k, v]) => (fields.has(k) && typeof v === 'string' ? [v] : []));
}

export function AuditDetails({ record, workflowName }: { record: AuditRecord; workflowName: (id: string) => string | undefined }) {
  const entries: [string, ReactNode][] = [
    ...(record.pageVersion !== undefined ? [['Page version', String(record.pageVersion)] as [string, ReactNode]] : []),
    ...(record.source === 'api' && record.clientId ? [['API client', record.clientId] as [string, ReactNode]] : []),
    ...Object.entries(record.details).map(([k, v]) => [fieldLabel(k), valueOf(record, k, v, workflowName)] as [string, ReactNode]),
  ];
  if (entries.length === 0) return null;
  return (
    <Box as="dl" testId="audit-details">
      {entries.map(([k, v]) => (
        <Inline key={k} space="space.050" shouldWrap>
          <dt>
            <Text as="strong" size="small">
              {k}:
            </Text>
          </dt>
          <dd style={{ margin: 0 }}>
            <Text size="small">{v}</Text>
          </dd>
        </Inline>
      ))}
    </Box>
  );
}
