import { describe, expect, it } from 'vitest';

import { describeJsonSyntaxError } from './json-syntax';

const describeBroken = (text: string) => {
  expect(() => JSON.parse(text)).toThrow();
  return describeJsonSyntaxError(text);
};

describe('describeJsonSyntaxError', () => {
  it.each([
    ['', 'the input is empty'],
    ['{"a": 1,}', "invalid JSON at line 1, column 9: trailing comma before '}'"],
    ['[1, 2,]', "invalid JSON at line 1, column 7: trailing comma before ']'"],
    ['{"a": 1 "b": 2}', "invalid JSON at line 1, column 9: expected ',' or '}' after a property value but found '\"'"],
    ["{'a': 1}", 'invalid JSON at line 1, column 2: expected a double-quoted property name but found a single quote (JSON strings need double quotes)'],
    ['{"a" 1}', "invalid JSON at line 1, column 6: expected ':' after a property name but found unquoted text"],
    ['{"a": "x', 'invalid JSON at line 1, column 7: unterminated string'],
    ['{"a": "\\q"}', 'invalid JSON at line 1, column 8: invalid escape sequence in a string'],
    ['{"a": "line\nbreak"}', 'invalid JSON at line 1, column 12: control character (such as a raw line break) inside a string; escape it'],
    ['{"a": 1} x', 'invalid JSON at line 1, column 10: unexpected content after the JSON value'],
    ['{\n  // note\n  "a": 1}', 'invalid JSON at line 2, column 3: comments are not allowed in JSON'],
    ['{"a": -}', 'invalid JSON at line 1, column 7: invalid number'],
    ['{"a": tru}', 'invalid JSON at line 1, column 7: expected a value (string, number, object, array, true, false or null) but found unquoted text'],
    ['{"a": [1, 2}', "invalid JSON at line 1, column 12: expected ',' or ']' after an array element but found '}'"],
    ['{"a": ', 'invalid JSON at line 1, column 7: the JSON ends where a value was expected'],
  ])('%j → %s', (text, expected) => {
    expect(describeBroken(text)).toBe(expected);
  });

  it('never quotes letters or digits, which could be part of a secret', () => {
    expect(describeBroken('{"apiKey": Zs3cr3t}')).not.toMatch(/Z|s3cr3t/);
  });

  it('survives hostile nesting', () => {
    expect(describeBroken('['.repeat(5000))).toMatch(/nesting deeper than 1000 levels/);
  });
});
