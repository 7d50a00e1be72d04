import { describe, expect, it, vi } from 'vitest';
import { needsRefresh, refreshTokens, rolesFromIdToken } from './refresh';

const issuer = 'https://tenant.example/oidc';
function fakeProvider(handler: (body: URLSearchParams) => Response | Promise<Response>) {
  const calls: { url: string; auth: string | null; body: URLSearchParams }[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (url.endsWith('/.well-known/openid-configuration')) {
      return Response.json({ issuer, token_endpoint: `${issuer}/token`, revocation_endpoint: `${issuer}/token/revocation` });
    }
    const body = new URLSearchParams(String(init?.body));
    calls.push({ url, auth: new Headers(init?.headers).get('authorization'), body });
    return handler(body);
  }) as unknown as typeof fetch;
  return { fetchImpl, calls };
}
const idToken = (claims: object) => `e30.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.sig`;
let n = 0;
const client = () => ({ issuer: `${issuer}`, clientId: `app-${++n}`, clientSecret: 's3cr:et' });

describe('needsRefresh', () => {
  it('refreshes 30 s before expiry, not after each request', () => {
    const now = 1_000_000_000_000;
    expect(needsRefresh(now / 1000 + 31, now)).toBe(false);
    expect(needsRefresh(now / 1000 + 30, now)).toBe(true);
    expect(needsRefresh(undefined, now)).toBe(false);
  });
});

describe('refreshTokens', () => {
  it('uses client_secret_basic and returns rotated tokens with roles from the new ID token', async () => {
    const { fetchImpl, calls } = fakeProvider(() =>
      Response.json({ access_token: 'a', expires_in: 60, refresh_token: 'rt-2', id_token: idToken({ roles: ['operator'] }) }),
    );
    const result = await refreshTokens(client(), 'rt-1-a', fetchImpl);
    expect(result).toMatchObject({ ok: true, tokens: { refreshToken: 'rt-2', roles: ['operator'] } });
    expect(calls[0]?.auth).toBe(`Basic ${btoa(`app-${n}:s3cr%3Aet`)}`);
    expect(calls[0]?.body.get('grant_type')).toBe('refresh_token');
    expect(calls[0]?.body.get('refresh_token')).toBe('rt-1-a');
  });

  it('keeps the old refresh token when the provider does not rotate', async () => {
    const { fetchImpl } = fakeProvider(() => Response.json({ access_token: 'a', expires_in: 60 }));
    const result = await refreshTokens(client(), 'rt-keep', fetchImpl);
    expect(result.ok && result.tokens.refreshToken).toBe('rt-keep');
  });

  it('sends one request for concurrent refreshes of the same token', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { fetchImpl, calls } = fakeProvider(async () => {
      await gate;
      return Response.json({ access_token: 'a', expires_in: 60, refresh_token: 'rt-new' });
    });
    const c = client();
    const all = Promise.all([refreshTokens(c, 'rt-shared', fetchImpl), refreshTokens(c, 'rt-shared', fetchImpl), refreshTokens(c, 'rt-shared', fetchImpl)]);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    release();
    const results = await all;
    expect(calls).toHaveLength(1);
    expect(new Set(results.map((r) => r.ok && r.tokens.refreshToken))).toEqual(new Set(['rt-new']));
    // A late request still carrying the old cookie gets the same answer instead of replaying the token.
    await refreshTokens(c, 'rt-shared', fetchImpl);
    expect(calls).toHaveLength(1);
  });

  it('reports invalid_grant distinctly from transient failures', async () => {
    const dead = fakeProvider(() => Response.json({ error: 'invalid_grant', error_description: 'grant request is invalid' }, { status: 400 }));
    expect(await refreshTokens(client(), 'rt-dead', dead.fetchImpl)).toMatchObject({ ok: false, error: 'invalid_grant' });
    const flaky = fakeProvider(() => new Response('bad gateway', { status: 502 }));
    expect(await refreshTokens(client(), 'rt-flaky', flaky.fetchImpl)).toMatchObject({ ok: false, error: 'refresh_failed' });
  });
});

describe('rolesFromIdToken', () => {
  it('reads string roles and ignores junk', () => {
    expect(rolesFromIdToken(idToken({ roles: ['operator', 3, null] }))).toEqual(['operator']);
    expect(rolesFromIdToken(idToken({}))).toBeUndefined();
    expect(rolesFromIdToken('not-a-jwt')).toBeUndefined();
    expect(rolesFromIdToken(undefined)).toBeUndefined();
  });
});
