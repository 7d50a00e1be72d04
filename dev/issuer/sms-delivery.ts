export interface SmsRelay {
  url: string;
  token?: string;
}

export type Delivery = { ok: true } | { ok: false; message: string };

/** `+7 999 ***-**-01` for Russian numbers, first two and last two digits otherwise. */
export function maskPhone(digits: string): string {
  if (/^7\d{10}$/.test(digits)) return `+7 ${digits.slice(1, 4)} ***-**-${digits.slice(-2)}`;
  if (digits.length <= 4) return `+${'*'.repeat(digits.length)}`;
  return `+${digits.slice(0, 2)}${'*'.repeat(digits.length - 4)}${digits.slice(-2)}`;
}

/**
 * Sends the code the way Logto's HTTP SMS connector does. Without a relay the code goes to the issuer's console
 * in the single line the e2e tests read, standing in for the phone screen.
 */
export async function deliverSignInCode(options: {
  relay: SmsRelay | undefined;
  phone: string;
  code: string;
  log: (line: string) => void;
}): Promise<Delivery> {
  const { relay, phone, code, log } = options;
  if (!relay) {
    log(`[dev-issuer] one-time code for ${maskPhone(phone)}: ${code}`);
    return { ok: true };
  }
  let response: Response;
  try {
    response = await fetch(relay.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(relay.token !== undefined ? { authorization: relay.token } : {}),
      },
      body: JSON.stringify({ to: phone, type: 'SignIn', payload: { code } }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    return { ok: false, message: 'The SMS service could not be reached. Try again later.' };
  }
  // Drain the body so keep-alive sockets are released.
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) {
    return { ok: false, message: `The SMS service refused to send the code (HTTP ${response.status}). Try again later.` };
  }
  return { ok: true };
}
