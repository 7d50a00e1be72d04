import { operatorOrError } from '@/lib/auth/guards';
import { exportResponse } from '@/lib/console/api';

export async function GET(request: Request): Promise<Response> {
  const { error } = await operatorOrError();
  return error ?? exportResponse(request);
}
