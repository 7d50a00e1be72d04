import type { RedisCommand, RedisReply } from './backend';

// The Upstash REST dialect as @upstash/redis 1.39 speaks it: a command is a JSON array whose items are
// strings, numbers or booleans (the client JSON-encodes objects itself); Redis receives them all as strings.

export class BadRequest extends Error {}

export function parseCommand(value: unknown, where = 'command'): RedisCommand {
  if (!Array.isArray(value)) throw new BadRequest(`ERR ${where} must be a JSON array like ["SET","key","value"]`);
  if (value.length === 0) throw new BadRequest(`ERR ${where} is empty`);
  return value.map((item, index) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new BadRequest(`ERR ${where} item ${index} must be a string, number or boolean, got ${item === null ? 'null' : typeof item}`);
  });
}

export function parseCommandList(value: unknown): RedisCommand[] {
  if (!Array.isArray(value)) throw new BadRequest('ERR body must be a JSON array of commands like [["SET","k","v"],["GET","k"]]');
  if (value.length === 0) throw new BadRequest('ERR body holds no commands');
  return value.map((item, index) => parseCommand(item, `command ${index}`));
}

// The GET/POST path form: /set/key/value?EX=100 → SET key value EX 100; a POST body becomes the last argument.
export function commandFromPath(url: URL, body: string): RedisCommand {
  const segments = url.pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  if (segments.length === 0) throw new BadRequest('ERR no command: POST a JSON array to / or use /<command>/<args…>');
  const command = [...segments];
  for (const [key, value] of url.searchParams) {
    if (key === '_token') continue;
    command.push(key);
    if (value !== '') command.push(value);
  }
  if (body !== '') command.push(body);
  return command;
}

// With `Upstash-Encoding: base64` the client base64-decodes every string it receives, nested ones included,
// and leaves numbers and nulls alone (its decoder also accepts a bare "OK", but an encoded one works too).
export function encodeReply(reply: RedisReply, base64: boolean): RedisReply {
  if (!base64) return reply;
  if (typeof reply === 'string') return Buffer.from(reply, 'utf8').toString('base64');
  if (Array.isArray(reply)) return reply.map((item) => encodeReply(item, true));
  return reply;
}
