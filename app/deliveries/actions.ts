'use server';

import { redirect } from 'next/navigation';
import type { ActionResult } from '@/app/components/console/action-form';
import { requireOperator } from '@/lib/auth/guards';
import { phoneFilterLocation } from '@/lib/console/actions';
import { consoleConfig } from '@/lib/console/config';
import { replayForward, sendTestSms } from '@/lib/console/relay';
import { loadAppEnv } from '@/lib/env/app';

// Each action re-checks the operator role: a server action is a public POST endpoint of its own.

export async function sendTestSmsAction(_state: ActionResult, form: FormData): Promise<ActionResult> {
  await requireOperator('/deliveries');
  const result = await sendTestSms(consoleConfig(loadAppEnv()).relay, { phone: form.get('phone'), usageType: form.get('usageType') });
  if (!result.ok) return result;
  redirect(`/deliveries?highlight=${encodeURIComponent(result.id)}`);
}

export async function phoneFilterAction(_state: ActionResult, form: FormData): Promise<ActionResult> {
  await requireOperator('/deliveries');
  const result = await phoneFilterLocation(consoleConfig(loadAppEnv()), form.get('phone'), form.get('from'));
  if (!result.ok) return result;
  redirect(result.location);
}

export async function replayForwardAction(_state: ActionResult, form: FormData): Promise<ActionResult> {
  const id = String(form.get('id') ?? '');
  await requireOperator(`/deliveries/${encodeURIComponent(id)}`);
  return replayForward(consoleConfig(loadAppEnv()).relay, id);
}
