import type { Redis } from '@upstash/redis/cloudflare';

type Script = ReturnType<Redis['createScript']>;

// @upstash/ratelimit 2.2.0 starts every Lua script with `#!lua flags=allow-key-locking`. That shebang
// flag exists only on Upstash: open-source Redis 7 refuses the script ("Unexpected flag in script
// shebang: allow-key-locking") and the local store's embedded Lua cannot parse a shebang at all. The
// flag only lets Upstash lock a script's keys instead of taking its global script lock — a throughput
// optimisation, not semantics — so the limiter runs the same scripts without that first line, on
// Upstash, a self-hosted Redis behind a REST proxy, and the local store alike (ADR 011).
const SHEBANG = /^#![^\n]*\n/;

export const withoutShebang = (script: string) => script.replace(SHEBANG, '');

/**
 * The slice of a Redis client @upstash/ratelimit uses, running its scripts shebang-free. The library
 * calls EVALSHA with the hash of its own text and falls back to EVAL on NOSCRIPT; this client answers
 * that first call with NOSCRIPT at once (no round trip), and runs EVAL through @upstash/redis'
 * script helper (EVALSHA of the stripped script, loaded by EVAL the first time): one round trip per call.
 */
export function portableScriptClient(redis: Redis) {
  const scripts = new Map<string, Script>();
  return {
    evalsha: async (): Promise<never> => {
      throw new Error('NOSCRIPT: this client runs scripts by their text');
    },
    eval: (script: string, keys: string[], args: unknown[]) => {
      let prepared = scripts.get(script);
      if (!prepared) {
        prepared = redis.createScript(withoutShebang(script));
        scripts.set(script, prepared);
      }
      return prepared.exec(keys, args.map((arg) => (arg === null || arg === undefined ? '' : String(arg))));
    },
    get: redis.get.bind(redis),
    set: redis.set.bind(redis),
  };
}
