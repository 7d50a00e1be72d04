import type { SmsAeroConnectorConfig } from './connector-config';

export class TemplateNotFoundError extends Error {
  override readonly name = 'TemplateNotFoundError';

  constructor(readonly usageType: string) {
    super(`No SMS template for usage type "${usageType}" and no Generic template to fall back to`);
  }
}

export type RenderedTemplate = { text: string; usageType: string };

// Logto's placeholder rule: `{{ code }}`, `{{application.name}}`.
const PLACEHOLDER = /{{\s*([\w.]+)\s*}}/g;

function lookup(payload: Record<string, unknown>, path: string): unknown {
  let current: unknown = payload;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function renderValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  // Missing values and objects stay as the placeholder: a visible `{{name}}` in a test SMS points at
  // the gap, whereas an empty string or "[object Object]" hides it.
  return undefined;
}

/** Picks the template Logto would use for `usageType` (first match), falling back to Generic. */
export function renderTemplate(
  config: Pick<SmsAeroConnectorConfig, 'templates'>,
  usageType: string,
  payload: Record<string, unknown>,
): RenderedTemplate {
  const template =
    config.templates.find((candidate) => candidate.usageType === usageType) ??
    config.templates.find((candidate) => candidate.usageType === 'Generic');
  if (!template) throw new TemplateNotFoundError(usageType);
  const text = template.content.replace(PLACEHOLDER, (placeholder, path: string) => renderValue(lookup(payload, path)) ?? placeholder);
  return { text, usageType: template.usageType };
}
