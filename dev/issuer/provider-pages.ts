import { createHash } from 'node:crypto';
import { escapeHtml, page } from './html';

const AUTO_SUBMIT = "document.getElementById('op.logoutForm').submit();";
const AUTO_SUBMIT_HASH = createHash('sha256').update(AUTO_SUBMIT).digest('base64');

/**
 * Logto signs out without asking. The provider's confirmation form is submitted by script with `logout=yes`,
 * which destroys the whole issuer session rather than only this client's part of it.
 */
export function renderLogoutConfirmation(providerForm: string): { html: string; csp: string } {
  const form = providerForm.replace(
    '</form>',
    '<input type="hidden" name="logout" value="yes"/><noscript><button type="submit">Sign out</button></noscript></form>',
  );
  const rendered = page({
    title: 'Signing out',
    body: `<h1>Signing out…</h1>\n${form}\n<script>${AUTO_SUBMIT}</script>`,
    scriptHashes: [AUTO_SUBMIT_HASH],
  });
  return rendered;
}

export function renderLoggedOut(): { html: string; csp: string } {
  return page({ title: 'Signed out', body: '<h1>Signed out</h1>\n<p class="hint">You can close this window.</p>' });
}

export function renderErrorPage(details: Record<string, string | undefined>): { html: string; csp: string } {
  const rows = Object.entries(details)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`)
    .join('\n');
  return page({ title: 'Sign-in error', body: `<h1>Something went wrong</h1>\n<div role="alert">${rows}</div>` });
}
