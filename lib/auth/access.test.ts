import { describe, expect, it } from 'vitest';
import { hasRole, isSignedIn, requirementFor } from './access';

describe('requirementFor', () => {
  it.each([
    ['/', 'public'],
    ['/api/auth/session', 'public'],
    ['/dashboardx', 'public'],
    ['/dashboard', 'session'],
    ['/dashboard/settings', 'session'],
    ['/deliveries', 'role'],
    ['/deliveries/abc', 'role'],
    ['/api/deliveries', 'role'],
    ['/api/deliveries/123/replay', 'role'],
  ])('%s → %s', (path, kind) => {
    expect(requirementFor(path, 'operator').kind).toBe(kind);
  });

  it('carries the configured role name', () => {
    expect(requirementFor('/deliveries', 'sms-admin')).toEqual({ kind: 'role', role: 'sms-admin' });
  });
});

describe('session checks', () => {
  const operator = { user: { roles: ['operator'] } };
  it('treats a failed refresh as signed out, even with the role', () => {
    expect(isSignedIn({ ...operator, error: 'RefreshTokenError' })).toBe(false);
    expect(hasRole({ ...operator, error: 'RefreshTokenError' }, 'operator')).toBe(false);
  });
  it('needs the exact role', () => {
    expect(hasRole(operator, 'operator')).toBe(true);
    expect(hasRole(operator, 'admin')).toBe(false);
    expect(hasRole({ user: { roles: [] } }, 'operator')).toBe(false);
    expect(hasRole(null, 'operator')).toBe(false);
  });
});
