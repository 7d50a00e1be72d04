// JSON.parse's messages differ between engines and, in V8, quote a slice of the input — which for a
// connector config may be the API key. This scanner runs only after JSON.parse has failed and names
// the position and the problem without echoing the input.

const MAX_DEPTH = 1000;

class JsonSyntaxProblem extends Error {
  constructor(
    readonly position: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}

export function describeJsonSyntaxError(text: string): string {
  if (text.trim() === '') return 'the input is empty';
  try {
    new Scanner(text).document();
  } catch (error) {
    if (error instanceof JsonSyntaxProblem) {
      const { line, column } = lineAndColumn(text, error.position);
      return `invalid JSON at line ${line}, column ${column}: ${error.problem}`;
    }
    throw error;
  }
  return 'invalid JSON';
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

// Only punctuation is quoted back; a letter or digit might be the first character of a secret.
function describeFound(char: string | undefined): string {
  if (char === undefined) return 'the end of the input';
  if (/[\p{L}\p{N}_$]/u.test(char)) return 'unquoted text';
  if (char === "'") return "a single quote (JSON strings need double quotes)";
  if (/\s/.test(char)) return 'whitespace';
  return `'${char}'`;
}

class Scanner {
  private pos = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.value(0);
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('unexpected content after the JSON value');
  }

  private fail(problem: string): never {
    throw new JsonSyntaxProblem(this.pos, problem);
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos] as string)) this.pos++;
    if (this.text.startsWith('//', this.pos) || this.text.startsWith('/*', this.pos)) {
      this.fail('comments are not allowed in JSON');
    }
  }

  private value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.skipWhitespace();
    const char = this.text[this.pos];
    if (char === undefined) this.fail('the JSON ends where a value was expected');
    if (char === '{') return this.object(depth);
    if (char === '[') return this.array(depth);
    if (char === '"') return this.string();
    if (char === '-' || (char >= '0' && char <= '9')) return this.number();
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        return;
      }
    }
    this.fail(`expected a value (string, number, object, array, true, false or null) but found ${describeFound(char)}`);
  }

  private object(depth: number): void {
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      const char = this.text[this.pos];
      if (char !== '"') {
        if (char === '}') this.fail("trailing comma before '}'");
        this.fail(`expected a double-quoted property name but found ${describeFound(char)}`);
      }
      this.string();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail(`expected ':' after a property name but found ${describeFound(this.text[this.pos])}`);
      this.pos++;
      this.value(depth + 1);
      this.skipWhitespace();
      const next = this.text[this.pos];
      if (next === '}') {
        this.pos++;
        return;
      }
      if (next !== ',') this.fail(`expected ',' or '}' after a property value but found ${describeFound(next)}`);
      this.pos++;
    }
  }

  private array(depth: number): void {
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] === ']') this.fail("trailing comma before ']'");
      this.value(depth + 1);
      this.skipWhitespace();
      const next = this.text[this.pos];
      if (next === ']') {
        this.pos++;
        return;
      }
      if (next !== ',') this.fail(`expected ',' or ']' after an array element but found ${describeFound(next)}`);
      this.pos++;
    }
  }

  private string(): void {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const char = this.text[this.pos];
      if (char === undefined) {
        this.pos = start;
        this.fail('unterminated string');
      }
      if (char === '"') {
        this.pos++;
        return;
      }
      if (char < ' ') this.fail('control character (such as a raw line break) inside a string; escape it');
      if (char === '\\') {
        const escaped = this.text[this.pos + 1];
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.fail('invalid \\u escape in a string');
          this.pos += 6;
          continue;
        }
        if (escaped === undefined || !'"\\/bfnrt'.includes(escaped)) this.fail('invalid escape sequence in a string');
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
  }

  private number(): void {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!match) this.fail('invalid number');
    this.pos += match[0].length;
  }
}
