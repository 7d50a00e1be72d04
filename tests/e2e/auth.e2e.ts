import { encode } from 'next-auth/jwt';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newPage, sessionJson, signInWithPassword, signInWithPhone } from './browser';
import { E2E } from './stack';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('sign-in', () => {
  it('signs in with username and password and shows the session', async () => {
    const { context, page } = await newPage(browser);
    await signInWithPassword(page, 'viewer', 'viewer-password');
    await expect.poll(() => page.getByTestId('dashboard-greeting').textContent()).toContain('Victor Viewer');
    await page.goto('/');
    expect(await page.getByTestId('roles').textContent()).toBe('none');
    const session = await sessionJson(page);
    expect(session?.user).toMatchObject({ name: 'Victor Viewer', username: 'viewer', roles: [] });
    // The refresh token lives only inside the encrypted cookie, never in what the client can read.
    expect(JSON.stringify(session)).not.toMatch(/refresh/i);
    await context.close();
  });

  it('signs in with a phone number and a one-time code', async () => {
    const { context, page } = await newPage(browser);
    await signInWithPhone(page, '79990000001');
    expect(await page.getByTestId('dashboard-greeting').textContent()).toContain('Olga Operator');
    await context.close();
  });
});

describe('access control', () => {
  it('sends a signed-out visitor to sign in, and answers the API with 401 JSON', async () => {
    const { context, page } = await newPage(browser);
    const response = await page.request.get('/dashboard', { maxRedirects: 0 });
    expect(response.status()).toBe(307);
    expect(response.headers().location).toContain('/sign-in?callbackUrl=');
    const api = await page.request.get('/api/deliveries');
    expect(api.status()).toBe(401);
    expect(await api.json()).toMatchObject({ error: 'unauthenticated' });
    await context.close();
  });

  it('gives a viewer a real 403 on /deliveries and its API, without a redirect loop', async () => {
    const { context, page } = await newPage(browser);
    await signInWithPassword(page, 'viewer', 'viewer-password');
    const response = await page.goto('/deliveries');
    expect(response?.status()).toBe(403);
    expect(page.url()).toBe(`${E2E.appUrl}/deliveries`);
    await expect.poll(() => page.getByTestId('forbidden').isVisible()).toBe(true);
    const api = await page.request.get('/api/deliveries');
    expect(api.status()).toBe(403);
    expect(await api.json()).toMatchObject({ error: 'forbidden' });
    await context.close();
  });

  it('lets an operator into /deliveries', async () => {
    const { context, page } = await newPage(browser);
    await signInWithPassword(page, 'operator', 'operator-password');
    const response = await page.goto('/deliveries');
    expect(response?.status()).toBe(200);
    expect(await page.getByTestId('deliveries-operator').textContent()).toContain('Olga Operator');
    await context.close();
  });

  it('rejects a tampered cookie and one encrypted with a foreign secret', async () => {
    const { context, page } = await newPage(browser);
    await signInWithPassword(page, 'operator', 'operator-password');
    // Leave the app first: its in-flight prefetches would otherwise re-set a valid cookie after ours.
    await page.goto('about:blank');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'authjs.session-token');
    expect(session).toBeDefined();

    const flipped = session!.value.slice(0, -6) + (session!.value.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA');
    await context.clearCookies();
    await context.addCookies([{ ...session!, value: flipped }]);
    expect((await page.request.get('/dashboard', { maxRedirects: 0 })).status()).toBe(307);
    expect(await sessionJson(page)).toBeNull();

    const forged = await encode({
      salt: 'authjs.session-token',
      secret: 'a-different-secret-a-different-secret-1234',
      token: { sub: 'user-operator', name: 'Mallory', roles: ['operator'], expiresAt: Math.floor(Date.now() / 1000) + 3600 },
    });
    await context.clearCookies();
    await context.addCookies([{ ...session!, value: forged }]);
    expect((await page.request.get('/deliveries', { maxRedirects: 0 })).status()).toBe(307);
    expect((await page.request.get('/api/deliveries')).status()).toBe(401);
    await context.close();
  });
});

describe('session lifetime', () => {
  it('refreshes tokens before they expire and keeps the user signed in', async () => {
    const { context, page } = await newPage(browser);
    await signInWithPassword(page, 'viewer', 'viewer-password');
    const first = await sessionJson(page);
    const firstExpiry = first?.expiresAt as number;
    expect(firstExpiry - Date.now() / 1000).toBeLessThanOrEqual(E2E.accessTokenTtlSeconds + 1);
    // Past the refresh point (expiry − 30 s): the next requests rotate the refresh token.
    await page.waitForTimeout((E2E.accessTokenTtlSeconds - 30 + 2) * 1000);
    await page.goto('/dashboard');
    expect(page.url()).toBe(`${E2E.appUrl}/dashboard`);
    const second = await sessionJson(page);
    expect(second?.expiresAt).toBeGreaterThan(firstExpiry);
    expect(second?.error).toBeUndefined();
    // Several parallel requests with the same cookie must not replay the rotated token (Logto would revoke the grant).
    await page.waitForTimeout((E2E.accessTokenTtlSeconds - 30 + 2) * 1000);
    const statuses = await Promise.all(['/dashboard', '/', '/dashboard', '/api/auth/session'].map((p) => page.request.get(p, { maxRedirects: 0 }).then((r) => r.status())));
    expect(statuses).toEqual([200, 200, 200, 200]);
    await page.goto('/dashboard');
    expect(page.url()).toBe(`${E2E.appUrl}/dashboard`);
    expect((await sessionJson(page))?.error).toBeUndefined();
    await context.close();
  }, 60_000);

  it('signs out for real: cookie gone, refresh token revoked, Logto asks for credentials again', async () => {
    const { context, page } = await newPage(browser);
    await signInWithPassword(page, 'operator', 'operator-password');
    const cookieBefore = (await context.cookies()).find((c) => c.name === 'authjs.session-token');
    await page.goto('/');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${E2E.appUrl}/`);
    await expect.poll(() => page.getByRole('button', { name: 'Sign in with Logto' }).isVisible()).toBe(true);
    expect(await sessionJson(page)).toBeNull();

    // The IdP session is gone: signing in again shows the login form instead of silently signing back in.
    await page.getByRole('button', { name: 'Sign in with Logto' }).click();
    await page.waitForURL(/localhost:3101\//);
    await expect.poll(() => page.locator('input[name="username"]').isVisible()).toBe(true);

    // A copy of the old cookie cannot refresh any more: its refresh token was revoked at sign-out. Once the
    // access token expires, the middleware refresh fails with invalid_grant and the session ends.
    await context.clearCookies();
    await context.addCookies([cookieBefore!]);
    await page.waitForTimeout((E2E.accessTokenTtlSeconds - 30 + 2) * 1000);
    const replayed = await sessionJson(page);
    expect(replayed?.error).toBe('RefreshTokenError');
    expect((await page.request.get('/dashboard', { maxRedirects: 0 })).status()).toBe(307);
    await context.close();
  }, 60_000);
});
