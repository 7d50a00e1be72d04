import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIssuerConfig } from './config';
import { startIssuer, type RunningIssuer } from './server';
import { TestBrowser } from './test-browser';

const APP = 'http://localhost:3000';
const CALLBACK = `${APP}/api/auth/callback/logto`;
const CLIENT_ID = 'logto-dev-app';
const CLIENT_SECRET = 'logto-dev-secret';
const ALL_SCOPES = 'openid offline_access profile email phone roles';
const OTP_LINE = /^\[dev-issuer\] one-time code for (\+7 999 \*\*\*-\*\*-\d{2}): (\d{6})$/;

const base64url = (bytes: Buffer) => bytes.toString('base64url');
const basicAuth = `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64')}`;

interface TokenResponse {
  access_token?: string;
  id_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
}

// --- a fake HTTP SMS connector endpoint (what the Worker's POST /v1/logto/sms is to Logto) ---
interface RelayCall {
  headers: IncomingHttpHeaders;
  body: unknown;
}
interface FakeRelay {
  url: string;
  calls: RelayCall[];
  replyStatus: number;
  close(): Promise<void>;
}
async function startFakeRelay(): Promise<FakeRelay> {
  const relay: Omit<FakeRelay, 'url' | 'close'> = { calls: [], replyStatus: 200 };
  const server: Server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    relay.calls.push({ headers: req.headers, body: JSON.parse(raw) as unknown });
    res.writeHead(relay.replyStatus, { 'content-type': 'application/json' });
    res.end(relay.replyStatus < 300 ? '{"ok":true}' : '{"error":"relay down"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(relay, {
    url: `http://127.0.0.1:${port}/v1/logto/sms`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

// --- relying-party side helpers, doing what Auth.js does ---
function authorizeUrl(issuer: string, params: Record<string, string> = {}) {
  const verifier = base64url(randomBytes(32));
  const state = base64url(randomBytes(12));
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: CALLBACK,
    scope: ALL_SCOPES,
    state,
    code_challenge: base64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    ...params,
  }).toString();
  return { url: url.href, verifier, state };
}

async function tokenRequest(issuer: string, form: Record<string, string>, authorization = basicAuth) {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as TokenResponse };
}

async function exchangeCode(issuer: string, callbackUrl: string, verifier: string) {
  const code = new URL(callbackUrl).searchParams.get('code');
  expect(code, `no code in ${callbackUrl}`).toBeTruthy();
  return tokenRequest(issuer, {
    grant_type: 'authorization_code',
    code: code ?? '',
    redirect_uri: CALLBACK,
    code_verifier: verifier,
  });
}

async function verifiedIdToken(issuer: string, idToken: string) {
  const [headerPart = '', payloadPart = '', signaturePart = ''] = idToken.split('.');
  const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString()) as { alg: string; kid: string };
  const payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString()) as Record<string, unknown>;
  const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: (JsonWebKey & { kid: string })[] };
  const jwk = jwks.keys.find((key) => key.kid === header.kid);
  expect(jwk, 'signing key published in jwks').toBeDefined();
  const valid = verify(
    'sha384',
    Buffer.from(`${headerPart}.${payloadPart}`),
    { key: createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    Buffer.from(signaturePart, 'base64url'),
  );
  return { header, payload, valid };
}

function formAction(html: string, formId: string): string {
  const match = new RegExp(`<form[^>]*action="([^"]+)"[^>]*id="${formId}"`).exec(html);
  expect(match, `form #${formId} on page`).not.toBeNull();
  return match?.[1] ?? '';
}

async function signInWithPassword(issuer: RunningIssuer, browser: TestBrowser, params: Record<string, string> = {}) {
  const request = authorizeUrl(issuer.url, params);
  const page = await browser.go(request.url);
  expect(page.status).toBe(200);
  const done = await browser.go(new URL(formAction(page.body, 'password-form'), page.url).href, {
    username: 'operator',
    password: 'operator-password',
  });
  expect(done.url.startsWith(CALLBACK)).toBe(true);
  return { request, callback: done.url };
}

describe('Logto-compatible dev issuer', () => {
  let issuer: RunningIssuer;
  let origin: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    issuer = await startIssuer({
      port: 0,
      env: { DEV_ISSUER_ACCESS_TOKEN_TTL: '120', DEV_ISSUER_ID_TOKEN_TTL: '90' },
      log: (line) => logLines.push(line),
    });
    origin = new URL(issuer.url).origin;
  });
  afterAll(async () => {
    await issuer.close();
  });

  it('announces itself with the issuer URL and the demo users', () => {
    expect(logLines[0]).toBe(
      `[dev-issuer] issuer ${issuer.url} ready; demo users: operator / operator-password (phone 79990000001, roles: operator); viewer / viewer-password (phone 79990000002, no roles)`,
    );
  });

  it('publishes Logto-shaped discovery', async () => {
    expect(issuer.url).toMatch(/^http:\/\/localhost:\d+\/oidc$/);
    const response = await fetch(`${issuer.url}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery['issuer']).toBe(issuer.url);
    expect(discovery['id_token_signing_alg_values_supported']).toEqual(['ES384']);
    expect(discovery['token_endpoint_auth_methods_supported']).toEqual(['client_secret_basic']);
    expect(discovery['end_session_endpoint']).toBe(`${issuer.url}/session/end`);
    expect(discovery['revocation_endpoint']).toBe(`${issuer.url}/token/revocation`);
    expect(discovery['scopes_supported']).toEqual(expect.arrayContaining(['openid', 'offline_access', 'profile', 'phone', 'roles']));
  });

  it('signs in with username and password and issues an ES384 ID token with Logto claims', async () => {
    const browser = new TestBrowser(origin);
    const request = authorizeUrl(issuer.url);
    const page = await browser.go(request.url);
    expect(page.status).toBe(200);
    expect(page.url).toMatch(/\/interaction\/[\w-]+$/);
    expect(page.body).toMatch(/<title>[^<]*Sign in[^<]*<\/title>/);
    expect(page.body).toContain('name="username"');
    expect(page.body).toContain('name="password"');
    expect(page.body).toContain('Use phone number');

    const done = await browser.go(new URL(formAction(page.body, 'password-form'), page.url).href, {
      username: 'operator',
      password: 'operator-password',
    });
    const callback = new URL(done.url);
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(callback.searchParams.get('iss')).toBe(issuer.url);

    const tokens = await exchangeCode(issuer.url, done.url, request.verifier);
    expect(tokens.status).toBe(200);
    // Without prompt=consent oidc-provider drops offline_access, exactly as Logto does.
    expect(tokens.body.refresh_token).toBeUndefined();
    expect(tokens.body.scope?.split(' ')).not.toContain('offline_access');
    expect(tokens.body.expires_in).toBe(120);

    const idToken = await verifiedIdToken(issuer.url, tokens.body.id_token ?? '');
    expect(idToken.header.alg).toBe('ES384');
    expect(idToken.valid).toBe(true);
    expect(idToken.payload).toMatchObject({
      iss: issuer.url,
      aud: CLIENT_ID,
      sub: 'user-operator',
      name: 'Olga Operator',
      username: 'operator',
      roles: ['operator'],
      phone_number: '79990000001',
      phone_number_verified: true,
      email: 'operator@example.test',
    });
    const payload = idToken.payload as { exp: number; iat: number };
    expect(payload.exp - payload.iat).toBe(90);

    const userinfo = await fetch(`${issuer.url}/me`, {
      headers: { authorization: `Bearer ${tokens.body.access_token ?? ''}` },
    });
    expect(await userinfo.json()).toMatchObject({ sub: 'user-operator', roles: ['operator'] });
  });

  it('rejects a wrong password with a clear error and no redirect', async () => {
    const browser = new TestBrowser(origin);
    const page = await browser.go(authorizeUrl(issuer.url).url);
    const retry = await browser.go(new URL(formAction(page.body, 'password-form'), page.url).href, {
      username: 'operator',
      password: 'nope',
    });
    expect(retry.status).toBe(401);
    expect(retry.body).toContain('Wrong username or password.');
    expect(retry.body).toContain('value="operator"');
  });

  it('refuses client_secret_post and a wrong secret at the token endpoint', async () => {
    const browser = new TestBrowser(origin);
    const { request, callback } = await signInWithPassword(issuer, browser);
    const code = new URL(callback).searchParams.get('code') ?? '';
    const post = await fetch(`${issuer.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: CALLBACK,
        code_verifier: request.verifier,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      }).toString(),
    });
    expect(post.status).toBe(401);
    expect(((await post.json()) as TokenResponse).error).toBe('invalid_client');
    const wrong = await tokenRequest(
      issuer.url,
      { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: request.verifier },
      `Basic ${Buffer.from(`${CLIENT_ID}:wrong`).toString('base64')}`,
    );
    expect(wrong.body.error).toBe('invalid_client');
  });

  it('issues rotating refresh tokens only with prompt=consent, and revokes the grant on reuse', async () => {
    const browser = new TestBrowser(origin);
    await signInWithPassword(issuer, browser);

    // Second authorization reuses the issuer session: no login form, consent granted silently.
    const request = authorizeUrl(issuer.url, { prompt: 'consent' });
    const done = await browser.go(request.url);
    expect(done.url.startsWith(CALLBACK)).toBe(true);
    const first = await exchangeCode(issuer.url, done.url, request.verifier);
    expect(first.status).toBe(200);
    expect(first.body.scope?.split(' ')).toContain('offline_access');
    const firstRefresh = first.body.refresh_token ?? '';
    expect(firstRefresh).not.toBe('');

    const rotated = await tokenRequest(issuer.url, { grant_type: 'refresh_token', refresh_token: firstRefresh });
    expect(rotated.status).toBe(200);
    const secondRefresh = rotated.body.refresh_token ?? '';
    expect(secondRefresh).not.toBe('');
    expect(secondRefresh).not.toBe(firstRefresh);
    const rotatedId = await verifiedIdToken(issuer.url, rotated.body.id_token ?? '');
    expect(rotatedId.payload['roles']).toEqual(['operator']);

    const reuse = await tokenRequest(issuer.url, { grant_type: 'refresh_token', refresh_token: firstRefresh });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
    // Reuse is treated as theft: the whole grant is gone, the current token too.
    const afterReuse = await tokenRequest(issuer.url, { grant_type: 'refresh_token', refresh_token: secondRefresh });
    expect(afterReuse.body.error).toBe('invalid_grant');
  });

  it('revokes a refresh token at the revocation endpoint', async () => {
    const browser = new TestBrowser(origin);
    const { request, callback } = await signInWithPassword(issuer, browser, { prompt: 'consent' });
    const tokens = await exchangeCode(issuer.url, callback, request.verifier);
    const refreshToken = tokens.body.refresh_token ?? '';
    expect(refreshToken).not.toBe('');

    const revocation = await fetch(`${issuer.url}/token/revocation`, {
      method: 'POST',
      headers: { authorization: basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' }).toString(),
    });
    expect(revocation.status).toBe(200);
    const after = await tokenRequest(issuer.url, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(after.body.error).toBe('invalid_grant');
  });

  it('ends the issuer session on RP-initiated logout so the next sign-in asks again', async () => {
    const browser = new TestBrowser(origin);
    const { request, callback } = await signInWithPassword(issuer, browser, { prompt: 'consent' });
    const tokens = await exchangeCode(issuer.url, callback, request.verifier);

    const rejected = await browser.go(
      `${issuer.url}/session/end?client_id=${CLIENT_ID}&post_logout_redirect_uri=${encodeURIComponent('http://evil.test/')}`,
    );
    expect(rejected.status).toBe(400);
    expect(rejected.body).toContain('post_logout_redirect_uri not registered');

    const confirm = await browser.go(
      `${issuer.url}/session/end?client_id=${CLIENT_ID}&post_logout_redirect_uri=${encodeURIComponent(`${APP}/`)}&state=bye`,
    );
    expect(confirm.status).toBe(200);
    // The confirmation submits itself; a browser would run this script.
    expect(confirm.body).toContain("document.getElementById('op.logoutForm').submit();");
    const action = /<form id="op\.logoutForm" method="post" action="([^"]+)">/.exec(confirm.body)?.[1] ?? '';
    const fields = Object.fromEntries(
      [...confirm.body.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2]]),
    ) as Record<string, string>;
    expect(fields['logout']).toBe('yes');
    const loggedOut = await browser.go(action, fields);
    expect(loggedOut.url).toBe(`${APP}/?state=bye`);

    const again = await browser.go(authorizeUrl(issuer.url).url);
    expect(again.status).toBe(200);
    expect(again.body).toContain('name="password"');

    // Like Logto, ending the session leaves offline grants alone; revocation is the app's job.
    const refreshed = await tokenRequest(issuer.url, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token ?? '' });
    expect(refreshed.status).toBe(200);
  });

  it('signs in by phone with the code printed to the console when no SMS relay is configured', async () => {
    const browser = new TestBrowser(origin);
    const request = authorizeUrl(issuer.url);
    const first = await browser.go(request.url);
    const phonePage = await browser.go(`${first.url}?method=phone`);
    expect(phonePage.body).toContain('name="phone"');
    expect(phonePage.body).toContain('Send code');

    const linesBefore = logLines.length;
    const codePage = await browser.go(new URL(formAction(phonePage.body, 'phone-form'), phonePage.url).href, {
      phone: '79990000002',
    });
    expect(codePage.status).toBe(200);
    expect(codePage.body).toContain('name="code"');
    expect(codePage.body).toContain('+7 999 ***-**-02');
    const printed = logLines.slice(linesBefore);
    expect(printed).toHaveLength(1);
    const [, masked, code] = OTP_LINE.exec(printed[0] ?? '') ?? [];
    expect(masked).toBe('+7 999 ***-**-02');
    expect(code).toMatch(/^\d{6}$/);

    const done = await browser.go(new URL(formAction(codePage.body, 'code-form'), codePage.url).href, { code: code ?? '' });
    const tokens = await exchangeCode(issuer.url, done.url, request.verifier);
    const idToken = await verifiedIdToken(issuer.url, tokens.body.id_token ?? '');
    expect(idToken.payload).toMatchObject({ sub: 'user-viewer', username: 'viewer', roles: [], phone_number: '79990000002', email: null });
  });

  it('locks a code after five wrong attempts', async () => {
    const browser = new TestBrowser(origin);
    const first = await browser.go(authorizeUrl(issuer.url).url);
    const phonePage = await browser.go(`${first.url}?method=phone`);
    const linesBefore = logLines.length;
    let page = await browser.go(new URL(formAction(phonePage.body, 'phone-form'), phonePage.url).href, { phone: '79990000001' });
    const code = OTP_LINE.exec(logLines[linesBefore] ?? '')?.[2] ?? '';
    const wrong = code === '000000' ? '111111' : '000000';
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      page = await browser.go(new URL(formAction(page.body, 'code-form'), page.url).href, { code: wrong });
      expect(page.status).toBe(401);
      expect(page.body).toContain(`Wrong code. ${5 - attempt} attempt`);
    }
    const locked = await browser.go(new URL(formAction(page.body, 'code-form'), page.url).href, { code: wrong });
    expect(locked.status).toBe(429);
    expect(locked.body).toContain('Too many wrong codes');
    expect(locked.body).toContain('name="phone"');
    // The right code no longer works either: the attacker's guesses burned it.
    const late = await browser.go(`${first.url}/code`, { code });
    expect(late.status).toBe(400);
    expect(late.body).toContain('Request a code first.');
  });
});

describe('dev issuer with the HTTP SMS connector relay', () => {
  let relay: FakeRelay;
  let issuer: RunningIssuer;
  let origin: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    relay = await startFakeRelay();
    issuer = await startIssuer({
      port: 0,
      env: { SMS_RELAY_URL: relay.url, SMS_RELAY_TOKEN: 'relay-secret' },
      log: (line) => logLines.push(line),
    });
    origin = new URL(issuer.url).origin;
  });
  afterAll(async () => {
    await issuer.close();
    await relay.close();
  });

  async function phoneForm(browser: TestBrowser) {
    const request = authorizeUrl(issuer.url);
    const first = await browser.go(request.url);
    const page = await browser.go(`${first.url}?method=phone`);
    return { request, page, action: new URL(formAction(page.body, 'phone-form'), page.url).href };
  }

  it('sends the code as Logto does and signs in with it', async () => {
    relay.replyStatus = 200;
    relay.calls.length = 0;
    const browser = new TestBrowser(origin);
    const { request, action } = await phoneForm(browser);
    const codePage = await browser.go(action, { phone: '+7 (999) 000-00-01' });
    expect(codePage.status).toBe(200);

    expect(relay.calls).toHaveLength(1);
    const call = relay.calls[0];
    expect(call?.headers['authorization']).toBe('relay-secret');
    expect(call?.headers['content-type']).toBe('application/json');
    expect(call?.body).toEqual({ to: '79990000001', type: 'SignIn', payload: { code: expect.stringMatching(/^\d{6}$/) } });
    expect(logLines.some((line) => line.includes('one-time code'))).toBe(false);

    const code = (call?.body as { payload: { code: string } }).payload.code;
    const wrong = await browser.go(new URL(formAction(codePage.body, 'code-form'), codePage.url).href, {
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('Wrong code. 4 attempts left.');

    const done = await browser.go(new URL(formAction(wrong.body, 'code-form'), wrong.url).href, { code });
    expect(done.url.startsWith(CALLBACK)).toBe(true);
    const tokens = await exchangeCode(issuer.url, done.url, request.verifier);
    const idToken = await verifiedIdToken(issuer.url, tokens.body.id_token ?? '');
    expect(idToken.payload).toMatchObject({ sub: 'user-operator', roles: ['operator'], phone_number: '79990000001' });
  });

  it('sends nothing for an unknown phone number', async () => {
    relay.replyStatus = 200;
    relay.calls.length = 0;
    const browser = new TestBrowser(origin);
    const { action } = await phoneForm(browser);
    const page = await browser.go(action, { phone: '79990000099' });
    expect(page.status).toBe(404);
    expect(page.body).toContain('No account uses this phone number.');
    expect(relay.calls).toHaveLength(0);
  });

  it('shows an error when the relay does not answer 2xx', async () => {
    relay.replyStatus = 502;
    relay.calls.length = 0;
    const browser = new TestBrowser(origin);
    const { action } = await phoneForm(browser);
    const page = await browser.go(action, { phone: '79990000002' });
    expect(relay.calls).toHaveLength(1);
    expect(page.status).toBe(502);
    expect(page.body).toContain('The SMS service refused to send the code (HTTP 502)');
    expect(page.body).toContain('name="phone"');
    expect(page.body).not.toContain('name="code"');
  });
});

describe('dev issuer environment', () => {
  it('uses Logto-like defaults', () => {
    expect(loadIssuerConfig({})).toEqual({
      port: 3001,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      appOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
      accessTokenTtl: 3600,
      idTokenTtl: 3600,
      refreshTokenTtl: 14 * 24 * 60 * 60,
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadIssuerConfig({ DEV_ISSUER_REFRESH_TOKEN_TTL: 'soon' })).toThrow(/DEV_ISSUER_REFRESH_TOKEN_TTL/);
    expect(() => loadIssuerConfig({ DEV_ISSUER_APP_ORIGINS: 'http://localhost:3000/app' })).toThrow(/DEV_ISSUER_APP_ORIGINS/);
    expect(() => loadIssuerConfig({ SMS_RELAY_URL: 'not a url' })).toThrow(/SMS_RELAY_URL/);
    expect(() => loadIssuerConfig({ ISSUER_PORT: '70000' })).toThrow(/ISSUER_PORT/);
  });

  it('treats empty values as unset', () => {
    expect(loadIssuerConfig({ SMS_RELAY_URL: '', DEV_ISSUER_ID_TOKEN_TTL: '' }).idTokenTtl).toBe(3600);
  });
});
