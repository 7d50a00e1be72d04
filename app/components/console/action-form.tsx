'use client';

import { useActionState, type ReactNode } from 'react';
import styles from './console.module.css';

export type ActionResult = { ok: boolean; message: string } | null;

/** A form bound to a server action whose result (success or a message naming the problem) is shown
 * under it. Success usually redirects instead; the inputs are server-rendered children. */
export function ActionForm({ action, submitLabel, pendingLabel, children, testId }: { action: (state: ActionResult, form: FormData) => Promise<ActionResult>; submitLabel: string; pendingLabel: string; children: ReactNode; testId?: string }) {
  const [result, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className={styles.form} data-testid={testId}>
      {children}
      <button type="submit" className="button primary" disabled={pending}>
        {pending ? pendingLabel : submitLabel}
      </button>
      {result && (
        <p className={styles.formResult} data-ok={String(result.ok)} role={result.ok ? 'status' : 'alert'} data-testid={testId ? `${testId}-result` : undefined}>
          {result.message}
        </p>
      )}
    </form>
  );
}
