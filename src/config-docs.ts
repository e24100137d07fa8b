import { configFields, type ConfigField } from './config-fields.js';

/** One row of the configuration reference. */
export interface ConfigDocRow {
  /** Environment variable, e.g. `VIGIE_DNS_PORT`. */
  readonly env: string;
  /** Key in the config file, dotted, e.g. `dns.port`. */
  readonly key: string;
  /** The default, as text. */
  readonly default: string;
  readonly description: string;
}

function defaultText(f: ConfigField): string {
  if (f.docDefault !== undefined) return f.docDefault;
  const def = (f.schema as unknown as { def: { type: string; defaultValue?: unknown } }).def;
  if (def.type !== 'default') return '';
  const v = def.defaultValue;
  return Array.isArray(v) ? v.map(String).join(', ') : String(v);
}

/** The configuration reference, one row per setting, in schema order (source of docs/configuration.md). */
export function describeConfig(): ConfigDocRow[] {
  return configFields.map((f) => ({ env: f.env, key: f.key, default: defaultText(f), description: f.description }));
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Renders docs/configuration.md from {@link describeConfig}. A test keeps the file in sync. */
export function renderConfigDocs(): string {
  const rows = describeConfig().map(
    (r) => `| \`${r.env}\` | \`${r.key}\` | ${r.default === '' ? '(empty)' : `\`${cell(r.default)}\``} | ${cell(r.description)} |`,
  );
  return [
    '# Configuration',
    '',
    '<!-- Generated from src/config-schema.ts by renderConfigDocs(); tests/config/docs.test.ts fails when it is stale. -->',
    '',
    'Vigie reads its boot configuration from `VIGIE_*` environment variables and, optionally, from a',
    'YAML or JSON file named by `VIGIE_CONFIG` (JSON is valid YAML). An environment variable wins over',
    'the file; anything set in neither takes its default. Relative paths (the file itself, `dataDir`,',
    '`listsDir`, `extraLists`) are resolved against the working directory.',
    '',
    '- Lists in environment variables are comma-separated; an empty variable counts as unset.',
    '- Numbers are whole decimal integers: `12abc` or `1.5` is an error, not 12 or 1.',
    '- Unknown keys in the file are errors, so a typo cannot be silently ignored.',
    '- Every problem (file and environment) is printed at once and Vigie exits with status 1.',
    '',
    '| Variable | File key | Default | Description |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    '## Example file',
    '',
    '```yaml',
    'dns:',
    '  hosts: [192.168.1.2, "fd00::2"]',
    '  port: 53',
    'upstreams:',
    '  - udp://1.1.1.1:53',
    '  - "[2606:4700:4700::1111]:53"',
    '  - { transport: tcp, host: 9.9.9.9, port: 53 }',
    'tz: Europe/Paris',
    'blockMode: nxdomain',
    'cache:',
    '  maxEntries: 20000',
    'limits:',
    '  rateLimitQps: 100',
    '```',
    '',
  ].join('\n');
}
