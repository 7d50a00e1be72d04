// The contract both store engines (a real Redis, or the embedded ioredis-mock) fulfil for the HTTP layer.

export type RedisCommand = readonly string[];

// RESP2 as JSON: bulk/status strings, integers, nil, arrays.
export type RedisReply = string | number | null | RedisReply[];

export type CommandOutcome =
  | { ok: true; value: RedisReply }
  // `backend` means the engine itself failed (e.g. Redis unreachable), not the command.
  | { ok: false; error: string; backend?: boolean };

export type TransactionOutcome = { aborted: false; results: CommandOutcome[] } | { aborted: true; error: string };

export interface StoreBackend {
  readonly description: string;
  execute(command: RedisCommand): Promise<CommandOutcome>;
  pipeline(commands: readonly RedisCommand[]): Promise<CommandOutcome[]>;
  // MULTI/EXEC: queue-time errors (unknown command) discard everything; runtime errors stay per command.
  transaction(commands: readonly RedisCommand[]): Promise<TransactionOutcome>;
  close(): Promise<void>;
}

// Commands that change or hold the state of a shared connection, or block it, have no meaning over a
// stateless REST call (Upstash refuses them too); on the real Redis they would disturb every other request.
export const UNAVAILABLE_COMMANDS: ReadonlySet<string> = new Set([
  'auth', 'hello', 'select', 'swapdb', 'move', 'client', 'reset', 'quit',
  'multi', 'exec', 'discard', 'watch', 'unwatch',
  'subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe', 'monitor',
  'blpop', 'brpop', 'brpoplpush', 'blmove', 'blmpop', 'bzpopmin', 'bzpopmax', 'bzmpop', 'wait', 'waitaof',
  'sync', 'psync', 'replicaof', 'slaveof', 'failover', 'shutdown', 'debug', 'migrate',
]);

export function unavailableCommandError(name: string): string {
  return `ERR Command is not available: '${name}'`;
}

// Redis error replies start with an upper-case code (ERR, WRONGTYPE, NOSCRIPT…); anything else gets ERR.
export function asRedisError(message: string): string {
  return /^[A-Z][A-Z_]+ /.test(message) ? message : `ERR ${message}`;
}
