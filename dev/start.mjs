#!/usr/bin/env node
// `npm run dev`: the whole product on one machine, no accounts. Starts a local stand-in for every external
// service that is not configured (see README "Local stack"), then the Next.js app with the stand-ins' URLs.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import nextEnv from '@next/env';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const { services, ensureDevSecret } = await import('./services.mjs');

ensureDevSecret(root);
nextEnv.loadEnvConfig(root, true, { info: () => {}, error: console.error });

const children = [];
let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const colors = [36, 35, 33, 32, 34, 31];
function run(name, args, env, index) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const tag = `\x1b[${colors[index % colors.length]}m${name.padEnd(8)}\x1b[0m│ `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(tag + line + '\n');
    });
  }
  child.on('exit', (code) => {
    if (!stopping) {
      console.error(`${tag}exited with code ${code}; stopping the stack`);
      stop(code ?? 1);
    }
  });
  children.push(child);
}

const plan = services(process.env, { require, root });
const shared = Object.assign({}, ...plan.map((s) => s.provides ?? {}));
plan.forEach((service, index) => {
  if (!service.start) {
    console.log(`${service.name.padEnd(8)}│ using ${service.reason}`);
    return;
  }
  run(service.name, service.args, { ...shared, ...service.env }, index);
});
