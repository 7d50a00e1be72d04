import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { findAccount } from './accounts';
import type { IssuerConfig } from './config';
import { createMemoryAdapterFactory } from './memory-adapter';
import { renderErrorPage, renderLoggedOut, renderLogoutConfirmation } from './provider-pages';

export const CALLBACK_PATH = '/api/auth/callback/logto';
const FOURTEEN_DAYS = 14 * 24 * 60 * 60;

function sendHtml(ctx: KoaContextWithOIDC, rendered: { html: string; csp: string }): void {
  ctx.type = 'html';
  ctx.set('content-security-policy', rendered.csp);
  ctx.body = rendered.html;
}

// A fresh key per start: sessions live in memory too, so nothing signed earlier outlives a restart anyway.
function es384SigningKey() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: `dev-${randomBytes(6).toString('hex')}`, alg: 'ES384', use: 'sig' };
}

export function createProvider(config: IssuerConfig, issuer: string): Provider {
  const configuration: Configuration = {
    adapter: createMemoryAdapterFactory(),
    clients: [
      {
        client_id: config.clientId,
        client_secret: config.clientSecret,
        client_name: 'Logto dev app',
        application_type: 'web',
        redirect_uris: config.appOrigins.map((origin) => `${origin}${CALLBACK_PATH}`),
        post_logout_redirect_uris: config.appOrigins.map((origin) => `${origin}/`),
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES384',
      },
    ],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES384',
    },
    clientAuthMethods: ['client_secret_basic'],
    enabledJWA: { idTokenSigningAlgValues: ['ES384'] },
    jwks: { keys: [es384SigningKey()] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'phone', 'roles'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'username', 'picture'],
      email: ['email', 'email_verified'],
      phone: ['phone_number', 'phone_number_verified'],
      roles: ['roles'],
    },
    // Logto puts the scope-granted profile claims into the ID token, not only into /me.
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => findAccount(sub),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => sendHtml(ctx, renderLogoutConfirmation(form)),
        postLogoutSuccessSource: (ctx) => sendHtml(ctx, renderLoggedOut()),
      },
    },
    rotateRefreshToken: true,
    ttl: {
      AccessToken: config.accessTokenTtl,
      IdToken: config.idTokenTtl,
      RefreshToken: config.refreshTokenTtl,
      AuthorizationCode: 60,
      Interaction: 60 * 60,
      Session: FOURTEEN_DAYS,
      // Rotated refresh tokens cannot outlive their grant.
      Grant: Math.max(config.refreshTokenTtl, FOURTEEN_DAYS),
    },
    // The app talks to the issuer server-to-server; no browser code calls these endpoints cross-origin.
    clientBasedCORS: () => false,
    renderError: (ctx, out) => sendHtml(ctx, renderErrorPage({ ...out })),
  };

  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx: unknown, error: unknown) => {
    console.error('[dev-issuer] server error', error);
  });
  return provider;
}
