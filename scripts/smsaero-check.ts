// Usage: npm run smsaero:check -- path/to/connector.json   (or `-` to read stdin). Logic: lib/smsaero/check-config.ts
import { readFileSync } from 'node:fs';
import { runSmsAeroCheck } from '../lib/smsaero/check-config';

const run = await runSmsAeroCheck(process.argv.slice(2), (path) => readFileSync(path === '-' ? 0 : path, 'utf8'));
for (const line of run.stdout) console.log(line);
for (const line of run.stderr) console.error(line);
process.exit(run.exitCode);
