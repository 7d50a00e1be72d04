import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceSpec } from '../../dev/stack';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const root = new URL('../../', import.meta.url).pathname;

/** Every service's console output is also written here, so tests (in other processes) can read it. */
export const logDir = join(root, 'test-results', 'e2e-logs');
export const logFile = (name: string) => join(logDir, `${name.replace(/\W+/g, '-')}.log`);

export type Service = { name: string; child: ChildProcess; output: () => string; stop: () => Promise<void> };

/** Starts a Node program on the project's pinned Node (process.execPath) and keeps its output for assertions. */
export function startNode(name: string, args: string[], env: Record<string, string>): Service {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', WRANGLER_SEND_METRICS: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  mkdirSync(logDir, { recursive: true });
  const file = logFile(name);
  writeFileSync(file, '');
  const keep = (chunk: Buffer) => {
    output += chunk;
    appendFileSync(file, chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    name,
    child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          resolve();
        }
        setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {}
        }, 5000).unref();
      }),
  };
}

export const tsxArgs = (file: string) => ['--import', 'tsx', file];
export const nextBin = require.resolve('next/dist/bin/next');

export async function waitForHttp(url: string, service: Service, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) {
      throw new Error(`${service.name} exited (${service.child.exitCode}) before ${url} answered:\n${service.output()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
      if (response.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${service.name} did not answer at ${url} within ${timeoutMs} ms:\n${service.output()}`);
}

export function runToCompletion(name: string, args: string[], env: Record<string, string>): Promise<void> {
  const service = startNode(name, args, env);
  return new Promise((resolve, reject) => {
    service.child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} failed (${code}):\n${service.output()}`))));
  });
}

/** Starts the planned services in order, each once the previous one answers; stops all on failure. */
export async function startStack(specs: ServiceSpec[]): Promise<{ services: Service[]; stop: () => Promise<void> }> {
  const services: Service[] = [];
  const stop = async () => {
    await Promise.all(services.map((s) => s.stop()));
  };
  try {
    for (const spec of specs) {
      if (!spec.args) continue;
      const service = startNode(spec.name, spec.args, spec.env);
      services.push(service);
      if (spec.readyUrl) await waitForHttp(spec.readyUrl, service, 120_000);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { services, stop };
}
