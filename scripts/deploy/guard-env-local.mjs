#!/usr/bin/env node
// Refuses a Cloudflare build while a git-ignored .env file is present: opennextjs-cloudflare would bake it,
// secrets included, into the Worker bundle (docs/decisions/008). Chained before every `build:cf`.
import { localEnvRefusal, presentLocalEnvFiles } from './lib.mjs';

const files = presentLocalEnvFiles();
if (files.length > 0) {
  console.error(localEnvRefusal(files));
  process.exit(1);
}
