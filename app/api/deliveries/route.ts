import { operatorOrError } from '@/lib/auth/guards';
import { listResponse } from '@/lib/console/api';

export async function GET(request: Request): Promise<Response> {
  const { error } = await operatorOrError();
  return error ?? listResponse(request);
}

// Pollers ask with HEAD + If-None-Match: 304, or 200 with the new ETag and no body.
export const HEAD = GET;
