/** Small shared building blocks: lozenges, error banner, loading indicator, formatting. */
import type { ReactNode } from 'react';
import { errorText } from '../api';
import type { PageApprovalState, RollupState } from '../../../src/core/domain/model';

export type Tone = 'neutral' | 'progress' | 'success' | 'danger' | 'warning' | 'info';

export function Lozenge({ tone, children, testId }: { tone: Tone; children: ReactNode; testId?: string }) {
  return (
    <span className={`lozenge lozenge-${tone}`} data-testid={testId}>
      {children}
    </span>
  );
}

export const STATE_LABEL: Record<PageApprovalState, string> = {
  draft: 'Draft',
  in_approval: 'In approval',
  approved: 'Approved',
  changes_requested: 'Changes requested',
};

export const STATE_TONE: Record<PageApprovalState, Tone> = {
  draft: 'neutral',
  in_approval: 'progress',
  approved: 'success',
  changes_requested: 'danger',
};

export const ROLLUP_LABEL: Record<RollupState, string> = {
  stale: 'Stale',
  has_rejections: 'Has rejections',
  all_approved: 'All approved',
  partially_approved: 'Partially approved',
  in_review: 'In review',
  open: 'Open',
};

export const ROLLUP_TONE: Record<RollupState, Tone> = {
  stale: 'warning',
  has_rejections: 'danger',
  all_approved: 'success',
  partially_approved: 'info',
  in_review: 'progress',
  open: 'neutral',
};

export function RollupLozenge({ state }: { state: RollupState }) {
  return <Lozenge tone={ROLLUP_TONE[state]}>{ROLLUP_LABEL[state]}</Lozenge>;
}

export function ErrorBanner({ error, onDismiss }: { error: unknown; onDismiss?: () => void }) {
  if (!error) return null;
  const { code, message, details } = errorText(error);
  return (
    <div className="banner banner-error" role="alert" data-testid="error-banner">
      <strong>{message}</strong> <code>{code}</code>
      {details.length > 0 && (
        <ul>
          {details.map((d, i) => (
            <li key={i}>
              {d.field ? <code>{d.field}</code> : null} {d.reason}
            </li>
          ))}
        </ul>
      )}
      {onDismiss && (
        <button type="button" className="link" onClick={onDismiss} aria-label="Dismiss error">
          Dismiss
        </button>
      )}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}

export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Splits "a, b c" into ids; used where the UI accepts account ids as text (no user picker). */
export function parseIds(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean))];
}

/** Triggers a browser download of generated content. */
export function download(filename: string, content: string, type: string) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
