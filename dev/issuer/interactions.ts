import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, type Interaction, type InteractionResults, type Provider } from 'oidc-provider';
import { findUserByPassword, findUserByPhone, normalizePhone } from './accounts';
import { renderErrorPage } from './provider-pages';
import { OneTimeCodes } from './one-time-codes';
import { renderSignIn, type SignInStep } from './sign-in-page';
import { deliverSignInCode, maskPhone, type SmsRelay } from './sms-delivery';

const MAX_FORM_BYTES = 16 * 1024;
const ROUTE = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(password|phone|code))?$/;

interface Dependencies {
  provider: Provider;
  smsRelay: SmsRelay | undefined;
  log: (line: string) => void;
}

function send(res: ServerResponse, status: number, rendered: { html: string; csp: string }): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': rendered.csp,
    'cache-control': 'no-store',
  });
  res.end(rendered.html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The sign-in UI Logto would show: username + password, or phone + one-time code sent through the HTTP SMS
 * connector protocol. Consent is granted silently because the only client is first-party, as in Logto.
 */
export function createInteractionHandler({ provider, smsRelay, log }: Dependencies) {
  const codes = new OneTimeCodes();
  const appName = 'Logto dev app';

  const showStep = (res: ServerResponse, uid: string, status: number, step: SignInStep, error?: string) =>
    send(res, status, renderSignIn({ uid, step, appName, ...(error ? { error } : {}) }));

  async function grantConsent(req: IncomingMessage, res: ServerResponse, interaction: Interaction): Promise<void> {
    const accountId = interaction.session?.accountId;
    const clientId = interaction.params['client_id'];
    if (!accountId || typeof clientId !== 'string') throw new Error('consent without a signed-in account');
    const details = interaction.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    const grant = (interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined)
      ?? new provider.Grant({ accountId, clientId });
    // prompt=consent re-asks for offline_access; granting it here is what lets a refresh token be issued.
    if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
    if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  async function finishLogin(req: IncomingMessage, res: ServerResponse, accountId: string, amr: string) {
    const result: InteractionResults = { login: { accountId, amr: [amr] } };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }

  async function show(req: IncomingMessage, res: ServerResponse, interaction: Interaction, url: URL) {
    const { uid } = interaction;
    if (interaction.prompt.name === 'consent') return grantConsent(req, res, interaction);
    const method = url.searchParams.get('method');
    if (method === 'code') {
      const phone = codes.pendingPhone(uid);
      if (phone) return showStep(res, uid, 200, { kind: 'code', maskedPhone: maskPhone(phone) });
      return showStep(res, uid, 200, { kind: 'phone' }, 'The code has expired. Request a new one.');
    }
    if (method === 'phone') {
      codes.discard(uid);
      return showStep(res, uid, 200, { kind: 'phone' });
    }
    return showStep(res, uid, 200, { kind: 'password' });
  }

  async function signInWithPassword(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    const form = await readForm(req);
    const username = form.get('username')?.trim() ?? '';
    const password = form.get('password') ?? '';
    if (!username || !password) {
      return showStep(res, uid, 400, { kind: 'password', username }, 'Enter your username and password.');
    }
    const user = findUserByPassword(username, password);
    if (!user) {
      return showStep(res, uid, 401, { kind: 'password', username }, 'Wrong username or password.');
    }
    return finishLogin(req, res, user.accountId, 'pwd');
  }

  async function sendCode(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    const form = await readForm(req);
    const typed = form.get('phone')?.trim() ?? '';
    const phone = normalizePhone(typed);
    if (!/^\d{7,15}$/.test(phone)) {
      return showStep(res, uid, 400, { kind: 'phone', phone: typed }, 'Enter a phone number with country code, digits only, e.g. 79990000001.');
    }
    const user = findUserByPhone(phone);
    if (!user) {
      return showStep(res, uid, 404, { kind: 'phone', phone: typed }, 'No account uses this phone number.');
    }
    const code = codes.issue(uid, user.accountId, phone);
    const delivery = await deliverSignInCode({ relay: smsRelay, phone, code, log });
    if (!delivery.ok) {
      codes.discard(uid);
      return showStep(res, uid, 502, { kind: 'phone', phone: typed }, delivery.message);
    }
    res.writeHead(303, { location: `/interaction/${encodeURIComponent(uid)}?method=code` });
    res.end();
  }

  async function verifyCode(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    const form = await readForm(req);
    const phone = codes.pendingPhone(uid);
    const check = codes.check(uid, form.get('code') ?? '');
    if (check.ok) return finishLogin(req, res, check.accountId, 'sms');
    switch (check.reason) {
      case 'wrong':
        return showStep(
          res,
          uid,
          401,
          { kind: 'code', maskedPhone: maskPhone(phone ?? '') },
          `Wrong code. ${check.attemptsLeft} ${check.attemptsLeft === 1 ? 'attempt' : 'attempts'} left.`,
        );
      case 'locked':
        return showStep(res, uid, 429, { kind: 'phone' }, 'Too many wrong codes. Request a new one.');
      case 'expired':
        return showStep(res, uid, 400, { kind: 'phone' }, 'The code has expired. Request a new one.');
      case 'none':
        return showStep(res, uid, 400, { kind: 'phone' }, 'Request a code first.');
    }
  }

  // The cookie names the browser's current interaction; a page from an older one must not act on it.
  async function loadInteraction(req: IncomingMessage, res: ServerResponse, uid: string): Promise<Interaction> {
    const interaction = await provider.interactionDetails(req, res);
    if (interaction.uid !== uid) throw new errors.SessionNotFound('interaction replaced by a newer one');
    return interaction;
  }

  return async function handleInteraction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://issuer.invalid');
    const match = ROUTE.exec(url.pathname);
    const uid = match?.[1];
    if (!match || !uid) {
      return send(res, 404, renderErrorPage({ error: 'not_found', error_description: 'No such page.' }));
    }
    const action = match[2];
    const method = req.method ?? 'GET';
    try {
      if (!action && method === 'GET') return await show(req, res, await loadInteraction(req, res, uid), url);
      if (action && method === 'POST') {
        await loadInteraction(req, res, uid);
        if (action === 'password') return await signInWithPassword(req, res, uid);
        if (action === 'phone') return await sendCode(req, res, uid);
        return await verifyCode(req, res, uid);
      }
      res.writeHead(405, { allow: action ? 'POST' : 'GET' });
      res.end();
    } catch (error) {
      if (error instanceof errors.SessionNotFound) {
        return send(
          res,
          400,
          renderErrorPage({
            error: 'session_not_found',
            error_description: 'This sign-in request has expired or was opened in another browser. Go back to the app and sign in again.',
          }),
        );
      }
      throw error;
    }
  };
}
