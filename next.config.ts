import type { NextConfig } from 'next';
import { loadAppEnv } from './lib/env/app';

// Fail `next dev`, `next build` and `next start` early, naming every missing or malformed variable.
loadAppEnv();

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with a real 403 status.
  experimental: { authInterrupts: true },
};

export default nextConfig;
