// Conditional requests for the console: the ETag names the log's version counter and what was asked
// for, so "nothing changed" costs the server one GET and the client an empty 304.

/** FNV-1a, 32 bit: a short stable digest of the query scope (an ETag needs no cryptographic hash). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

// Weak: the same version and scope can render with small differences (e.g. "now"), which a strong
// validator would promise away. Bump the "1" when the JSON shape changes so old tags stop matching.
export function consoleEtag(version: number, scope: string): string {
  return `W/"1.${version}.${fnv1a(scope)}"`;
}

/** If-None-Match semantics (RFC 9110 §13.1.2): "*" or any listed tag, compared weakly. */
export function etagMatches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === wanted);
}
