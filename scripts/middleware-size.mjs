#!/usr/bin/env node
// Prints the gzip size of the edge middleware bundle from the last `next build` and fails above the limit
// (Vercel Hobby: 1 MB gzip). `next build` stopped printing this in Next 16, so we measure the chunks the
// middleware manifest lists.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const LIMIT_BYTES = 1024 * 1024;
const dir = join(process.cwd(), '.next');
const manifest = JSON.parse(readFileSync(join(dir, 'server', 'middleware-manifest.json'), 'utf8'));
let raw = 0;
let gzip = 0;
for (const entry of Object.values(manifest.middleware)) {
  for (const file of entry.files) {
    const bytes = readFileSync(join(dir, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
}
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log(`middleware bundle: ${kb(raw)} raw, ${kb(gzip)} gzip (limit ${kb(LIMIT_BYTES)} gzip)`);
if (gzip > LIMIT_BYTES) {
  console.error('middleware bundle exceeds the Vercel Hobby edge limit');
  process.exit(1);
}
