import { InvalidPhoneError, normalizePhone } from '../deliveries';
import { checkId } from '../deliveries/fields';
import { isUsageType, LOGTO_USAGE_TYPES } from '../smsaero/usage-types';
import type { ConsoleConfig } from './config';

// The console talks to the relay Worker exactly as Logto's HTTP SMS connector does, so "send test SMS"
// checks the whole path: Worker → SMS Aero → status callbacks → delivery log. Neither the number nor
// the code is ever logged or returned; failures are described by status and the Worker's error name.

export type RelayResult = { ok: true; id: string; message: string } | { ok: false; message: string; field?: 'phone' | 'usageType' };

type Fetch = typeof fetch;
const TIMEOUT_MS = 10_000;

/** A one-time-looking code: the test SMS reads like a real one, and nobody needs to know it. */
export function randomCode(): string {
  const [value] = crypto.getRandomValues(new Uint32Array(1));
  return String(value! % 1_000_000).padStart(6, '0');
}

async function readError(response: Response): Promise<{ error?: string; message?: string }> {
  try {
    const body = (await response.json()) as unknown;
    if (typeof body !== 'object' || body === null) return {};
    const { error, message } = body as Record<string, unknown>;
    return { ...(typeof error === 'string' ? { error: error.slice(0, 100) } : {}), ...(typeof message === 'string' ? { message: message.slice(0, 300) } : {}) };
  } catch {
    return {};
  }
}

function unreachable(error: unknown): string {
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  return timedOut ? `the relay Worker did not answer within ${TIMEOUT_MS / 1000} s` : 'the relay Worker could not be reached';
}

export async function sendTestSms(
  relay: ConsoleConfig['relay'],
  input: { phone: unknown; usageType: unknown },
  options: { fetch?: Fetch } = {},
): Promise<RelayResult> {
  if (!relay) return { ok: false, message: 'Sending is disabled: set SMS_RELAY_URL and SMS_RELAY_TOKEN to the relay Worker\'s endpoint and token.' };
  let to: string;
  try {
    to = normalizePhone(typeof input.phone === 'string' ? input.phone : '');
  } catch (error) {
    if (error instanceof InvalidPhoneError) return { ok: false, field: 'phone', message: error.message.replace(/^phone/, 'The phone number') };
    throw error;
  }
  if (!isUsageType(input.usageType)) return { ok: false, field: 'usageType', message: `Usage type must be one of ${LOGTO_USAGE_TYPES.join(', ')}.` };

  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(relay.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: relay.token,
        // The Worker records such sends with source 'test', so operators can tell them from real sign-ins.
        'X-Delivery-Source': 'test',
      },
      body: JSON.stringify({ to, type: input.usageType, payload: { code: randomCode() } }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      cache: 'no-store',
    });
  } catch (error) {
    return { ok: false, message: `Not sent: ${unreachable(error)}.` };
  }
  if (response.ok) {
    const body = (await response.json().catch(() => null)) as { id?: unknown } | null;
    const id = body && (typeof body.id === 'string' || typeof body.id === 'number') ? String(body.id) : null;
    if (id === null) return { ok: false, message: 'The relay accepted the message but returned no message id.' };
    return { ok: true, id, message: `Sent: SMS Aero message ${id}.` };
  }
  const { error, message } = await readError(response);
  if (response.status === 401) return { ok: false, message: 'The relay refused SMS_RELAY_TOKEN (401): set the same token in the app and the Worker.' };
  const reason = message ?? error ?? 'no details';
  return { ok: false, message: `Not sent: the relay answered ${response.status}${error ? ` ${error}` : ''}: ${reason}` };
}

export async function replayForward(relay: ConsoleConfig['relay'], rawId: string, options: { fetch?: Fetch } = {}): Promise<{ ok: boolean; message: string }> {
  if (!relay) return { ok: false, message: 'Replay is disabled: set SMS_RELAY_URL and SMS_RELAY_TOKEN.' };
  let id: string;
  try {
    id = checkId(rawId);
  } catch {
    return { ok: false, message: 'Not a message id.' };
  }
  const url = `${new URL(relay.url).origin}/v1/deliveries/${encodeURIComponent(id)}/replay-forward`;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { method: 'POST', headers: { Authorization: relay.token }, signal: AbortSignal.timeout(TIMEOUT_MS), cache: 'no-store' });
  } catch (error) {
    return { ok: false, message: `Not replayed: ${unreachable(error)}.` };
  }
  if (response.ok) return { ok: true, message: `Forward of message ${id} queued again; its attempts appear below as they happen.` };
  const { error, message } = await readError(response);
  switch (response.status) {
    case 401:
      return { ok: false, message: 'The relay refused SMS_RELAY_TOKEN (401).' };
    case 404:
      return {
        ok: false,
        message:
          error === 'not_found' && message
            ? `Not replayed: ${message}`
            : 'Not replayed: the relay Worker has no replay endpoint (404). Deploy a Worker version with POST /v1/deliveries/:id/replay-forward.',
      };
    case 409:
      return { ok: false, message: `Not replayed: ${message ?? 'the forward is not in a state that can be replayed'} (409).` };
    case 501:
      return { ok: false, message: `Not replayed: ${message ?? 'forwarding is not configured on the Worker (set FORWARD_URL and FORWARD_SECRET)'} (501).` };
    default:
      return { ok: false, message: `Not replayed: the relay answered ${response.status}${error ? ` ${error}` : ''}${message ? `: ${message}` : ''}.` };
  }
}
