// Shared plumbing for the deploy scripts: where the tools live, how to run them on the project's pinned Node,
// and the checks that keep local secrets out of Cloudflare bundles (docs/decisions/008).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
export const root = fileURLToPath(new URL('../../', import.meta.url));

// Resolved entry points, run with process.execPath so every tool stays on the pinned Node 22 (ADR 004).
export const bins = {
  get next() {
    return require.resolve('next/dist/bin/next');
  },
  opennext: join(root, 'node_modules', '@opennextjs', 'cloudflare', 'dist', 'cli', 'index.js'),
  wrangler: join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
};

/** Environment every tool runs with: offline-friendly, no telemetry, node_modules/.bin (Node 22) first on PATH. */
export function toolEnv(extra = {}) {
  return {
    ...process.env,
    PATH: [join(root, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter),
    NEXT_TELEMETRY_DISABLED: '1',
    WRANGLER_SEND_METRICS: 'false',
    // A bare `wrangler deploy` in an OpenNext project is handed over to `opennextjs-cloudflare deploy`. Our dry
    // runs pass --config and --dry-run, which already prevent that; this says so explicitly as well.
    OPEN_NEXT_DEPLOY: 'true',
    ...extra,
  };
}

/** Runs `node <script> ...args` in the project root; resolves with its output, rejects naming the step. */
export function runNode(step, script, args, { env = toolEnv(), echo = true } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (stream, sink) =>
      stream.on('data', (chunk) => {
        output += chunk;
        if (echo) sink.write(chunk);
      });
    keep(child.stdout, process.stdout);
    keep(child.stderr, process.stderr);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${step} failed (${signal ?? `exit ${code}`})${echo ? '' : `:\n${output}`}`));
    });
  });
}

// --- .env files and the Cloudflare bundle -----------------------------------------------------------------

// The .env files this project keeps out of git, i.e. the ones that hold real secrets. `opennextjs-cloudflare
// build` copies every .env file it finds into .open-next/cloudflare/next-env.mjs (and wrangler uploads it),
// and `wrangler dev` serves .env/.env.local as runtime secrets when there is no .dev.vars.
export const LOCAL_ENV_FILES = ['.env', '.env.local', '.env.production.local', '.env.development.local', '.env.test.local'];

export function presentLocalEnvFiles(dir = root) {
  return LOCAL_ENV_FILES.filter((name) => existsSync(join(dir, name)));
}

export function localEnvRefusal(files) {
  return [
    `Refusing to build for Cloudflare: ${files.join(', ')} present.`,
    'opennextjs-cloudflare copies .env files, secrets included, into the Worker bundle',
    '(.open-next/cloudflare/next-env.mjs), and deploying uploads them. Move the file(s) aside for the build,',
    `e.g. \`mv ${files[0]} .env.off.local\` (a name nothing loads and git still ignores).`,
    'Runtime values for the Cloudflare app live elsewhere:',
    '  local preview (npm run preview:cf): .dev.vars, see .dev.vars.example',
    '  production: npx wrangler secret put NAME (or the Worker\'s Settings → Variables and secrets)',
    'See docs/decisions/008-cloudflare-workers-deploy.md.',
  ].join('\n');
}

// What `next build` sees for the variables next.config.ts insists on when the real ones are not there (Cloudflare
// builds, check:deploy). Recognisable on purpose: finding one in an output directory means a value was baked.
export const STAND_IN_MARKER = 'build-time-stand-in';
export const BUILD_STAND_INS = {
  AUTH_SECRET: `${STAND_IN_MARKER}-not-a-secret-${'x'.repeat(16)}`,
  AUTH_LOGTO_ISSUER: `https://${STAND_IN_MARKER}.invalid/oidc`,
  AUTH_LOGTO_ID: `${STAND_IN_MARKER}-app-id`,
  AUTH_LOGTO_SECRET: `${STAND_IN_MARKER}-app-secret`,
};

export const nextEnvModule = (dir = root) => join(dir, '.open-next', 'cloudflare', 'next-env.mjs');

/**
 * Rewrites the baked .env module as a clean clone would produce it: only the committed `.env.<mode>` files,
 * none of the git-ignored local ones. Used by the test builds, which must work in a checkout where
 * `npm run dev` wrote .env.local.
 */
export function rewriteNextEnvWithoutLocalFiles(dir = root) {
  const module = nextEnvModule(dir);
  if (!existsSync(module)) {
    throw new Error(`${relative(dir, module)} not found: OpenNext changed how it bakes .env files; revisit scripts/deploy/lib.mjs`);
  }
  const modes = ['production', 'development', 'test'].map((mode) => {
    const file = join(dir, `.env.${mode}`);
    const vars = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
    return `export const ${mode} = ${JSON.stringify(vars)};\n`;
  });
  writeFileSync(module, modes.join(''));
}

/** Secret-looking values of the local .env files, long enough that finding one in a bundle is no accident. */
export function localSecretValues(dir = root) {
  const values = new Map();
  for (const name of presentLocalEnvFiles(dir)) {
    for (const [key, value] of Object.entries(parseEnv(readFileSync(join(dir, name), 'utf8')))) {
      if (/SECRET|TOKEN|KEY|PASSWORD|CONNECTOR/i.test(key) && value.length >= 12) values.set(value, `${key} from ${name}`);
    }
  }
  return values;
}

function* filesUnder(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

/** Every file under `dir` that contains one of `needles` (Map value → label); [] when clean. */
export function findInFiles(dir, needles) {
  if (needles.size === 0 || !existsSync(dir)) return [];
  const patterns = [...needles.keys()].map((value) => [Buffer.from(value), needles.get(value)]);
  const hits = [];
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    for (const [pattern, label] of patterns) {
      if (bytes.includes(pattern)) hits.push(`${relative(root, file)} contains ${label}`);
    }
  }
  return hits;
}

// --- sizes --------------------------------------------------------------------------------------------------

export function gzipSizeOfFiles(files) {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
