import { handlers } from '@/auth';

// The OIDC callback verifies ES384 ID tokens and exchanges codes: Node runtime, not edge.
export const runtime = 'nodejs';
export const { GET, POST } = handlers;
