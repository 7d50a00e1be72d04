const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

const STYLE = `
:root{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",sans-serif}
body{margin:0;min-height:100vh;display:grid;place-items:center;background:Canvas;color:CanvasText}
main{width:min(22rem,92vw);padding:2rem;border:1px solid color-mix(in srgb,CanvasText 15%,transparent);border-radius:12px}
h1{font-size:1.35rem;margin:0 0 .25rem}
p.hint{margin:0 0 1.25rem;opacity:.75;font-size:.9rem}
nav{display:flex;gap:1rem;margin-bottom:1.25rem;font-size:.9rem}
nav a[aria-current="page"]{font-weight:600;text-decoration:none;color:inherit}
form{display:grid;gap:.9rem}
label{display:grid;gap:.3rem;font-size:.9rem}
input{font:inherit;padding:.55rem .65rem;border:1px solid color-mix(in srgb,CanvasText 30%,transparent);border-radius:8px;background:Field;color:FieldText}
input:focus-visible,button:focus-visible,a:focus-visible{outline:2px solid #5d34f2;outline-offset:2px}
button{font:inherit;font-weight:600;padding:.6rem;border:0;border-radius:8px;background:#5d34f2;color:#fff;cursor:pointer}
.error{margin:0 0 1rem;padding:.6rem .75rem;border-radius:8px;background:color-mix(in srgb,#d93025 14%,Canvas);color:inherit}
.notice{margin:0 0 1rem;font-size:.9rem}
footer{margin-top:1.25rem;font-size:.8rem;opacity:.6}
`;

// Interaction pages need no script; the logout page adds exactly one inline auto-submit script by hash.
export function page(options: { title: string; body: string; scriptHashes?: string[] }): {
  html: string;
  csp: string;
} {
  const scriptSrc = options.scriptHashes?.length
    ? options.scriptHashes.map((hash) => `'sha256-${hash}'`).join(' ')
    : "'none'";
  return {
    csp: `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; script-src ${scriptSrc}; base-uri 'none'; frame-ancestors 'none'`,
    html: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${options.body}
<footer>Local Logto stand-in for development. Not for production.</footer>
</main>
</body>
</html>`,
  };
}
