import { forbidden } from 'next/navigation';

// Target of the middleware's 403 rewrite; renders app/forbidden.tsx with a 403 status.
export default function ForbiddenRoute(): never {
  forbidden();
}
