import { describe, expect, it } from 'vitest';

import { consoleEtag, etagMatches } from './etag';

describe('consoleEtag', () => {
  it('is a weak validator that changes with the version and with the scope', () => {
    const tag = consoleEtag(7, 'status=failed');
    expect(tag).toMatch(/^W\/"1\.7\.[0-9a-z]+"$/);
    expect(consoleEtag(7, 'status=failed')).toBe(tag);
    expect(consoleEtag(8, 'status=failed')).not.toBe(tag);
    expect(consoleEtag(7, 'status=pending')).not.toBe(tag);
  });
});

describe('etagMatches (If-None-Match)', () => {
  const tag = consoleEtag(3, 'x');
  it('matches the same tag, weak or strong, alone or in a list, and *', () => {
    expect(etagMatches(tag, tag)).toBe(true);
    expect(etagMatches(tag.replace('W/', ''), tag)).toBe(true);
    expect(etagMatches(`"other", ${tag}`, tag)).toBe(true);
    expect(etagMatches('*', tag)).toBe(true);
  });
  it('does not match another tag, an empty header or none', () => {
    expect(etagMatches(consoleEtag(4, 'x'), tag)).toBe(false);
    expect(etagMatches('', tag)).toBe(false);
    expect(etagMatches(null, tag)).toBe(false);
  });
});
