import { createHash, randomUUID } from 'node:crypto';
import RedisMock from 'ioredis-mock';
import {
  asRedisError,
  type CommandOutcome,
  type RedisCommand,
  type RedisReply,
  type StoreBackend,
  type TransactionOutcome,
  UNAVAILABLE_COMMANDS,
  unavailableCommandError,
} from './backend';
import { LuaScriptError, readWrappedLuaResult, wrapLuaScript } from './embedded-lua';
import { FIXED_COMMANDS } from './lua-command-fixes';

type MockMethod = (...args: unknown[]) => Promise<unknown>;

// Commands the mock gets wrong run through the Lua bridge, where lua-command-fixes.ts corrects them.
const FIXED = new Set<string>(FIXED_COMMANDS);
const PASS_THROUGH_SCRIPT = wrapLuaScript('return redis.call(unpack(ARGV))');

// Commands we implement around the mock rather than pass to it (it has no SCRIPT, and EVAL needs the wrapper).
const SCRIPTING_COMMANDS = new Set(['eval', 'eval_ro', 'evalsha', 'evalsha_ro', 'script']);

// The mock returns scores as numbers here; Redis sends them as bulk strings.
const STRINGIFY_ARRAY_ITEMS = new Set(['zpopmin', 'zpopmax']);

export function createEmbeddedBackend(): StoreBackend {
  // ioredis-mock shares data between instances with the same host:port; a unique host keeps each store apart.
  const mock = new RedisMock({ host: `embedded-store-${randomUUID()}`, port: 6379 });
  const methods = mock as unknown as Record<string, MockMethod | undefined>;
  const knownCommands = implementedMockCommands(mock);
  const scripts = new Map<string, string>();

  // One request at a time: a pipeline, a transaction or a script then runs without anyone else's commands in
  // between, which is what Redis guarantees for MULTI/EXEC and EVAL.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  const isKnown = (name: string) => knownCommands.has(name) || SCRIPTING_COMMANDS.has(name);

  async function runScript(script: string, numKeysText: string | undefined, rest: string[]): Promise<RedisReply> {
    const numKeys = Number(numKeysText);
    if (numKeysText === undefined || !/^-?\d+$/.test(numKeysText)) throw new Error('ERR value is not an integer or out of range');
    if (numKeys < 0) throw new Error("ERR Number of keys can't be negative");
    if (numKeys > rest.length) throw new Error("ERR Number of keys can't be greater than number of args");
    scripts.set(sha1(script), script);
    const raw = await (methods.eval as MockMethod)(wrapLuaScript(script), numKeys, ...rest);
    return readWrappedLuaResult(raw) as RedisReply;
  }

  async function runOne(command: RedisCommand): Promise<RedisReply> {
    const [rawName, ...args] = command;
    const name = (rawName ?? '').toLowerCase();
    if (UNAVAILABLE_COMMANDS.has(name)) throw new Error(unavailableCommandError(name));
    switch (name) {
      case 'eval':
      case 'eval_ro':
        return runScript(args[0] ?? '', args[1], args.slice(2));
      case 'evalsha':
      case 'evalsha_ro': {
        const script = scripts.get((args[0] ?? '').toLowerCase());
        if (script === undefined) throw new Error('NOSCRIPT No matching script. Please use EVAL.');
        return runScript(script, args[1], args.slice(2));
      }
      case 'script':
        return scriptCommand(scripts, args);
    }
    if (FIXED.has(name)) {
      return readWrappedLuaResult(await (methods.eval as MockMethod)(PASS_THROUGH_SCRIPT, 0, rawName, ...args)) as RedisReply;
    }
    const method = knownCommands.has(name) ? methods[name] : undefined;
    if (!method) {
      const hint = typeof methods[name] === 'function' ? ' (ioredis-mock does not implement it; set REDIS_URL to use a real Redis)' : '';
      throw new Error(unknownCommandError(rawName ?? '', args) + hint);
    }
    return toReply(name, await method.apply(mock, args));
  }

  async function outcomeOf(command: RedisCommand): Promise<CommandOutcome> {
    try {
      return { ok: true, value: await runOne(command) };
    } catch (error) {
      return { ok: false, error: errorText(error) };
    }
  }

  return {
    description: 'embedded engine (ioredis-mock, in memory)',

    execute: (command) => exclusive(() => outcomeOf(command)),

    pipeline: (commands) =>
      exclusive(async () => {
        const outcomes: CommandOutcome[] = [];
        for (const command of commands) outcomes.push(await outcomeOf(command));
        return outcomes;
      }),

    transaction: (commands) =>
      exclusive(async (): Promise<TransactionOutcome> => {
        for (const [rawName, ...args] of commands) {
          const name = (rawName ?? '').toLowerCase();
          const queueError = UNAVAILABLE_COMMANDS.has(name)
            ? unavailableCommandError(name)
            : !isKnown(name)
              ? unknownCommandError(rawName ?? '', args)
              : undefined;
          if (queueError) return { aborted: true, error: `EXECABORT Transaction discarded because of previous errors: ${queueError}` };
        }
        const results: CommandOutcome[] = [];
        for (const command of commands) results.push(await outcomeOf(command));
        return { aborted: false, results };
      }),

    async close() {
      await exclusive(async () => {
        await mock.flushall();
        mock.disconnect();
      });
    },
  };
}

function scriptCommand(scripts: Map<string, string>, args: string[]): RedisReply {
  const sub = (args[0] ?? '').toLowerCase();
  if (sub === 'load') {
    if (args.length !== 2) throw new Error("ERR wrong number of arguments for 'script|load' command");
    const script = args[1] ?? '';
    const sha = sha1(script);
    scripts.set(sha, script);
    return sha;
  }
  if (sub === 'exists') return args.slice(1).map((sha) => (scripts.has(sha.toLowerCase()) ? 1 : 0));
  if (sub === 'flush') {
    scripts.clear();
    return 'OK';
  }
  throw new Error(`ERR unknown subcommand '${args[0] ?? ''}'. Try SCRIPT HELP.`);
}

// The mock's real implementations are own properties with a `…Buffer` twin; the rest of its prototype is
// ioredis' client API (connect, pipeline, on…) or commands it only rejects.
function implementedMockCommands(mock: object): Set<string> {
  const own = new Set(Object.getOwnPropertyNames(mock));
  const names = [...own].filter((name) => /^[a-z_]+$/.test(name) && own.has(`${name}Buffer`));
  return new Set(names.filter((name) => !SCRIPTING_COMMANDS.has(name)));
}

function unknownCommandError(name: string, args: readonly string[]): string {
  const preview = args.slice(0, 3).map((a) => `'${a}'`).join(' ');
  return `ERR unknown command '${name}', with args beginning with: ${preview}`;
}

function toReply(name: string, value: unknown): RedisReply {
  if (Array.isArray(value) && STRINGIFY_ARRAY_ITEMS.has(name)) {
    return value.map((item) => (typeof item === 'number' ? String(item) : toReply(name, item)));
  }
  return normalise(value);
}

function normalise(value: unknown): RedisReply {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(normalise);
  // HGETALL (and friends) come back as objects; Redis (and Upstash) send a flat field/value array.
  if (typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, normalise(v)]);
  return String(value);
}

function errorText(error: unknown): string {
  if (error instanceof LuaScriptError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  // ioredis-mock wraps every Lua failure in this sentence; keep only what the script did wrong.
  const lua = /^Error trying to loading or executing lua code string in VM: (.*)$/s.exec(message);
  return asRedisError(lua ? `Error running script: ${lua[1]}` : message);
}

function sha1(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}
