import { operatorOrError } from '@/lib/auth/guards';
import { detailResponse } from '@/lib/console/api';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { error } = await operatorOrError();
  return error ?? detailResponse(request, (await params).id);
}

export const HEAD = GET;
