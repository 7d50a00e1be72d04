import { operatorOrError } from '@/lib/auth/guards';

// Placeholder until the operator console lands: proves the role check on the API, at the edge and here.
export async function GET(): Promise<Response> {
  const { error } = await operatorOrError();
  return error ?? Response.json({ items: [], nextCursor: null });
}
