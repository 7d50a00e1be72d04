'use server';

import { revalidatePath } from 'next/cache';
import type { ActionResult } from '@/app/components/console/action-form';
import { requireOperator } from '@/lib/auth/guards';
import { consoleLimitsPrefix, consoleLimitsRedis, liftCapForOperator } from '@/lib/limits/console';

// A server action is a public POST endpoint of its own: the operator role is checked here, again.

/** "Lift today's cap": the relay sends past the daily cap until midnight; audited with who and when. */
export async function liftDailyCapAction(_state: ActionResult, form: FormData): Promise<ActionResult> {
  const session = await requireOperator('/deliveries');
  const result = await liftCapForOperator(consoleLimitsRedis(), {
    operator: { id: session.user.id, name: session.user.name ?? session.user.username ?? null },
    day: form.get('day'),
    prefix: consoleLimitsPrefix(),
  });
  if (result.ok) {
    console.info(`[console] daily SMS cap lifted by operator ${session.user.id}`);
    revalidatePath('/deliveries');
  }
  return result;
}
