#!/usr/bin/env node
// `npm run build:cf`: the OpenNext build of the app for Cloudflare Workers.
//
//   node scripts/deploy/build-cf.mjs                  deploy build: refuses while .env.local & co. exist
//   node scripts/deploy/build-cf.mjs --exclude-local-env
//                                                     test build (check:deploy, e2e-cf): builds anyway, then
//                                                     rewrites the baked .env module without the local files
//
// On Cloudflare the app's settings are Worker vars and secrets, read at request time; `next build` only needs
// them because next.config.ts validates the environment. Variables that are not set at build time get obvious
// stand-ins for that validation, and the build fails if a stand-in (or a local secret) reaches the bundle.
import { join } from 'node:path';
import {
  BUILD_STAND_INS,
  bins,
  findInFiles,
  localEnvRefusal,
  localSecretValues,
  presentLocalEnvFiles,
  rewriteNextEnvWithoutLocalFiles,
  root,
  runNode,
  toolEnv,
} from './lib.mjs';

const excludeLocalEnv = process.argv.includes('--exclude-local-env');
const localFiles = presentLocalEnvFiles();
if (localFiles.length > 0 && !excludeLocalEnv) {
  console.error(localEnvRefusal(localFiles));
  process.exit(1);
}
// Read before building: these are what must not show up in the output.
const forbidden = localSecretValues();

const standIns = Object.fromEntries(Object.entries(BUILD_STAND_INS).filter(([name]) => !process.env[name]?.trim()));
if (Object.keys(standIns).length > 0) {
  console.log(`build:cf: ${Object.keys(standIns).join(', ')} not set at build time; using stand-ins for next.config.ts validation.`);
  console.log('          The Worker reads the real values from its vars/secrets at request time.');
}

await runNode('opennextjs-cloudflare build', bins.opennext, ['build'], { env: toolEnv(standIns) }).catch((error) => {
  console.error(`build:cf: ${error.message}`);
  process.exit(1);
});

if (localFiles.length > 0) {
  rewriteNextEnvWithoutLocalFiles();
  console.log(`build:cf: left ${localFiles.join(', ')} out of the bundle (test build).`);
}
for (const value of Object.values(standIns)) forbidden.set(value, 'a build-time stand-in');
// Secrets handed to the build through the environment must not be baked either.
for (const [name, value] of Object.entries(process.env)) {
  if (/^(AUTH_SECRET|AUTH_LOGTO_SECRET|KV_REST_API_TOKEN|UPSTASH_REDIS_REST_TOKEN|SMS_RELAY_TOKEN)$/.test(name) && value && value.length >= 12) {
    forbidden.set(value, `${name} from the build environment`);
  }
}
const leaks = findInFiles(join(root, '.open-next'), forbidden);
if (leaks.length > 0) {
  console.error(`build:cf: values that must only exist at runtime were baked into .open-next/:\n  ${leaks.join('\n  ')}`);
  process.exit(1);
}
console.log('build:cf: .open-next/ is free of local secrets and build-time stand-ins.');
