// Logto's full set of SMS usage types (connector-kit `TemplateType`). Kept as data so the Worker,
// the app and the CLI agree on one list.
export const LOGTO_USAGE_TYPES = [
  'SignIn',
  'Register',
  'ForgotPassword',
  'OrganizationInvitation',
  'Generic',
  'UserPermissionValidation',
  'BindNewIdentifier',
  'MfaVerification',
  'BindMfa',
] as const;

export type UsageType = (typeof LOGTO_USAGE_TYPES)[number];

// Logto's connector-smsaero refuses a config without these four: they cover every end-user flow
// (the rest fall back to Generic).
export const REQUIRED_TEMPLATE_USAGE_TYPES = ['Register', 'SignIn', 'ForgotPassword', 'Generic'] as const satisfies readonly UsageType[];

const usageTypeSet: ReadonlySet<string> = new Set(LOGTO_USAGE_TYPES);

export function isUsageType(value: unknown): value is UsageType {
  return typeof value === 'string' && usageTypeSet.has(value);
}
