import { escapeHtml, page } from './html';

export type SignInStep =
  | { kind: 'password'; username?: string }
  | { kind: 'phone'; phone?: string }
  | { kind: 'code'; maskedPhone: string };

export function renderSignIn(options: {
  uid: string;
  step: SignInStep;
  appName: string;
  error?: string;
  notice?: string;
}): { html: string; csp: string } {
  const base = `/interaction/${encodeURIComponent(options.uid)}`;
  const { step } = options;
  const usingPhone = step.kind !== 'password';
  const error = options.error
    ? `<p class="error" role="alert" id="sign-in-error">${escapeHtml(options.error)}</p>`
    : '';
  const notice = options.notice ? `<p class="notice" role="status">${escapeHtml(options.notice)}</p>` : '';

  const nav = `<nav aria-label="Sign-in method">
<a href="${base}" id="use-password"${usingPhone ? '' : ' aria-current="page"'}>Use username and password</a>
<a href="${base}?method=phone" id="use-phone"${usingPhone ? ' aria-current="page"' : ''}>Use phone number</a>
</nav>`;

  let form: string;
  if (step.kind === 'password') {
    form = `<form method="post" action="${base}/password" id="password-form" novalidate>
<label for="username">Username<input id="username" name="username" autocomplete="username" required autofocus value="${escapeHtml(step.username ?? '')}"></label>
<label for="password">Password<input id="password" name="password" type="password" autocomplete="current-password" required></label>
<button type="submit" id="sign-in">Sign in</button>
</form>`;
  } else if (step.kind === 'phone') {
    form = `<form method="post" action="${base}/phone" id="phone-form" novalidate>
<label for="phone">Phone number<input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" required autofocus placeholder="79990000001" value="${escapeHtml(step.phone ?? '')}"></label>
<button type="submit" id="send-code">Send code</button>
</form>`;
  } else {
    form = `<p class="hint">We sent a 6-digit code to ${escapeHtml(step.maskedPhone)}.</p>
<form method="post" action="${base}/code" id="code-form" novalidate>
<label for="code">One-time code<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus></label>
<button type="submit" id="verify">Verify</button>
</form>
<p class="notice"><a href="${base}?method=phone" id="change-phone">Use a different number or get a new code</a></p>`;
  }

  return page({
    title: `Sign in – ${options.appName}`,
    body: `<h1>Sign in</h1>
<p class="hint">to continue to ${escapeHtml(options.appName)}</p>
${nav}
${error}${notice}${form}`,
  });
}
