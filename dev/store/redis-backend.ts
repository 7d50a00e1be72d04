import { Redis, ReplyError } from 'ioredis';
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

type RawResult = [Error | null, unknown];

export async function createRedisBackend(redisUrl: string): Promise<StoreBackend> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  // Connection errors surface through the failing commands; an unhandled 'error' event would crash the process.
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Cannot connect to REDIS_URL (${redactUrl(redisUrl)}): ${(error as Error).message}`);
  }

  const refused = (command: RedisCommand): CommandOutcome | undefined => {
    const name = (command[0] ?? '').toLowerCase();
    return UNAVAILABLE_COMMANDS.has(name) ? { ok: false, error: unavailableCommandError(name) } : undefined;
  };

  return {
    description: `Redis at ${redactUrl(redisUrl)}`,

    async execute(command) {
      const denied = refused(command);
      if (denied) return denied;
      const [name, ...args] = command;
      try {
        return { ok: true, value: toReply(await redis.call(wireName(name), ...args)) };
      } catch (error) {
        return failure(error);
      }
    },

    async pipeline(commands) {
      const outcomes: (CommandOutcome | undefined)[] = commands.map(refused);
      const pipeline = redis.pipeline();
      const sent: number[] = [];
      commands.forEach((command, index) => {
        if (outcomes[index]) return;
        const [name, ...args] = command;
        pipeline.call(wireName(name), ...args);
        sent.push(index);
      });
      if (sent.length > 0) {
        let raw: RawResult[];
        try {
          raw = ((await pipeline.exec()) ?? []) as RawResult[];
        } catch (error) {
          raw = sent.map(() => [error as Error, null]);
        }
        sent.forEach((commandIndex, i) => {
          outcomes[commandIndex] = fromRaw(raw[i]);
        });
      }
      return outcomes.map((outcome) => outcome ?? { ok: false, error: 'ERR command was not executed' });
    },

    async transaction(commands): Promise<TransactionOutcome> {
      for (const command of commands) {
        const denied = refused(command);
        if (denied && !denied.ok) return { aborted: true, error: `EXECABORT Transaction discarded because of previous errors: ${denied.error}` };
      }
      const multi = redis.multi();
      for (const [name, ...args] of commands) multi.call(wireName(name), ...args);
      try {
        const raw = ((await multi.exec()) ?? []) as RawResult[];
        return { aborted: false, results: commands.map((_, i) => fromRaw(raw[i])) };
      } catch (error) {
        if (error instanceof ReplyError || (error as Error).name === 'ReplyError') {
          return { aborted: true, error: asRedisError((error as Error).message) };
        }
        return { aborted: false, results: commands.map(() => failure(error)) };
      }
    },

    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

// ioredis reshapes some replies by lower-case command name (HGETALL into an object); Upstash sends them raw.
function wireName(name: string | undefined): string {
  return (name ?? '').toUpperCase();
}

function fromRaw(raw: RawResult | undefined): CommandOutcome {
  if (!raw) return { ok: false, error: 'ERR no reply from Redis', backend: true };
  const [error, value] = raw;
  return error ? failure(error) : { ok: true, value: toReply(value) };
}

function failure(error: unknown): CommandOutcome {
  const message = error instanceof Error ? error.message : String(error);
  const isReply = error instanceof ReplyError || (error instanceof Error && error.name === 'ReplyError');
  return isReply
    ? { ok: false, error: asRedisError(message) }
    : { ok: false, error: `ERR store backend failed: ${message}`, backend: true };
}

function toReply(value: unknown): RedisReply {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(toReply);
  if (value instanceof Error) return asRedisError(value.message);
  if (typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, toReply(v)]);
  return String(value);
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}
