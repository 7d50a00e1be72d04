import { parseConnectorConfig, type SmsAeroConnectorConfig } from './connector-config';

export type ConnectorConfigCheck = { exitCode: 0 | 1; lines: string[] };

// Things Logto accepts but that make a broken SMS: worth a warning, not a failure.
function warningsFor(config: SmsAeroConnectorConfig): string[] {
  const warnings: string[] = [];
  const seen = new Set<string>();
  config.templates.forEach((template, index) => {
    if (!/{{\s*code\s*}}/.test(template.content)) {
      warnings.push(`warning: templates[${index}] (${template.usageType}) has no {{code}} placeholder, so its SMS carries no code`);
    }
    if (seen.has(template.usageType)) {
      warnings.push(`warning: templates[${index}] repeats usage type ${template.usageType}; only the first one is used`);
    }
    seen.add(template.usageType);
  });
  if (config.senderName.trim() === '') warnings.push('warning: senderName is empty; SMS Aero needs a sender name such as "SMSAero"');
  return warnings;
}

/** The logic behind `npm run smsaero:check`: the lines to print and the exit code. Never echoes the apiKey. */
export function checkConnectorConfigText(text: string): ConnectorConfigCheck {
  const result = parseConnectorConfig(text);
  if (!result.ok) return { exitCode: 1, lines: result.errors.map((error) => `error: ${error}`) };
  const { templates } = result.config;
  const usageTypes = templates.map((template) => template.usageType).join(', ');
  return {
    exitCode: 0,
    lines: [
      `OK: SMS Aero connector config is valid (${templates.length} template${templates.length === 1 ? '' : 's'}: ${usageTypes})`,
      ...warningsFor(result.config),
    ],
  };
}

export type SmsAeroCheckRun = { exitCode: 0 | 1 | 2; stdout: string[]; stderr: string[] };

export const SMSAERO_CHECK_USAGE = 'usage: npm run smsaero:check -- <connector.json | -> (- reads stdin)';

/** The whole CLI minus process I/O: `readText` reads a path, or stdin for `-`. */
export async function runSmsAeroCheck(args: readonly string[], readText: (path: string) => string | Promise<string>): Promise<SmsAeroCheckRun> {
  const [path, ...rest] = args;
  if (path === undefined || path === '' || rest.length > 0 || path === '--help' || path === '-h') {
    return { exitCode: 2, stdout: [], stderr: [SMSAERO_CHECK_USAGE] };
  }
  let text: string;
  try {
    text = await readText(path);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? ` (${String(error.code)})` : '';
    return { exitCode: 1, stdout: [], stderr: [`error: cannot read ${path === '-' ? 'stdin' : path}${code}`] };
  }
  const check = checkConnectorConfigText(text);
  return check.exitCode === 0 ? { exitCode: 0, stdout: check.lines, stderr: [] } : { exitCode: 1, stdout: [], stderr: check.lines };
}
