import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { AppError } from './errors.js';
import { configFields, configSections, fieldForPath, knownKeysAt } from './config-fields.js';
import { configSchema, type Config } from './config-schema.js';

export { configSchema, type Config } from './config-schema.js';
export { describeConfig, renderConfigDocs, type ConfigDocRow } from './config-docs.js';
export { formatConfigProblems } from './config-format.js';
export type { Upstream } from './config-upstream.js';

/** Thrown by {@link loadConfig}: carries every problem found, in the file and in the env. */
export class ConfigError extends AppError {
  /** One sentence per problem, each naming the env variable or file key at fault. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const n = problems.length;
    super('CONFIG_INVALID', `invalid configuration (${n} problem${n === 1 ? '' : 's'}): ${problems.join('; ')}`);
    this.problems = problems;
  }
}

/** Inputs of {@link loadConfig}; all injectable for tests. */
export interface LoadConfigOptions {
  /** Environment to read `VIGIE_*` from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Reads the `VIGIE_CONFIG` file. Default `fs.readFileSync`. */
  readFile?: (path: string, encoding: 'utf8') => string;
  /** Base of relative paths (config file, dataDir, listsDir, extraLists). Default `process.cwd()`. */
  cwd?: string;
}

type Raw = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function describeValue(v: unknown): string {
  return Array.isArray(v) ? 'a list' : v === null ? 'nothing' : `${typeof v} ${JSON.stringify(v)}`;
}

/** Reads and parses the optional `VIGIE_CONFIG` file (YAML; JSON is valid YAML). */
function readConfigFile(path: string, readFile: NonNullable<LoadConfigOptions['readFile']>, problems: string[]): Raw {
  let text: string;
  try {
    text = readFile(path, 'utf8');
  } catch (err) {
    problems.push(`VIGIE_CONFIG: cannot read ${path}: ${(err as Error).message}`);
    return {};
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      problems.push(`VIGIE_CONFIG: ${path} is not valid YAML or JSON: ${e.message.split('\n')[0]!.replace(/:$/, '')}`);
    }
    return {};
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return {}; // empty file
  if (!isPlainObject(data)) {
    problems.push(`VIGIE_CONFIG: ${path} must hold a mapping of settings, not ${describeValue(data)}`);
    return {};
  }
  return data;
}

/** Drops empty (null) values and reports sections that are not mappings. */
function normaliseFileShape(raw: Raw, where: string, problems: string[]): void {
  for (const f of configFields) {
    for (let depth = 1; depth <= f.path.length; depth++) {
      const parent = f.path.slice(0, depth - 1).reduce<unknown>((o, k) => (isPlainObject(o) ? o[k] : undefined), raw);
      if (!isPlainObject(parent)) break;
      const name = f.path[depth - 1]!;
      const value = parent[name];
      if (value === null) delete parent[name]; // "port:" with nothing after it = unset
      else if (depth < f.path.length && value !== undefined && !isPlainObject(value)) {
        problems.push(`${f.path.slice(0, depth).join('.')} in ${where}: must be a mapping of settings, not ${describeValue(value)}`);
        delete parent[name];
      }
    }
  }
}

function setAt(raw: Raw, path: readonly string[], value: unknown): void {
  let o = raw;
  for (const k of path.slice(0, -1)) {
    if (!isPlainObject(o[k])) o[k] = {};
    o = o[k] as Raw;
  }
  o[path[path.length - 1]!] = value;
}

/** Overlays `VIGIE_*` variables (env wins over the file). Returns the keys that came from env. */
function applyEnv(raw: Raw, env: NonNullable<LoadConfigOptions['env']>): Set<string> {
  const fromEnv = new Set<string>();
  for (const f of configFields) {
    const text = env[f.env]?.trim();
    if (text === undefined || text === '') continue; // an empty variable counts as unset
    let value: unknown = text;
    if (f.kind === 'int' && /^[+-]?\d+$/.test(text)) value = Number(text); // else left a string: reported
    if (f.kind === 'list') value = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    setAt(raw, f.path, value);
    fromEnv.add(f.key);
  }
  return fromEnv;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** Appends the offending value when it is short and not already quoted by the message. */
function withInput(message: string, input: unknown): string {
  const t = typeof input;
  if (t !== 'string' && t !== 'number' && t !== 'boolean') return message;
  const shown = JSON.stringify(input);
  return message.includes(shown) ? message : `${message} (got ${shown})`;
}

function issueToProblems(issue: z.core.$ZodIssue, fromEnv: Set<string>, where: string): string[] {
  if (issue.code === 'unrecognized_keys') {
    const section = issue.path.join('.');
    const known = configSections.has(section) || section === '' ? knownKeysAt(section) : [];
    const hint = known.length > 0 ? ` (known keys: ${known.join(', ')})` : '';
    return issue.keys.map((k) => `${formatPath([...issue.path, k])} in ${where}: unknown key${hint}`);
  }
  const field = fieldForPath(issue.path);
  if (field && fromEnv.has(field.key)) {
    const rest = issue.path.slice(field.path.length);
    const item = typeof rest[0] === 'number' ? ` item ${rest[0] + 1}` : '';
    return [`${field.env}${item}: ${withInput(issue.message, issue.input)}`];
  }
  return [`${formatPath(issue.path)} in ${where}: ${withInput(issue.message, issue.input)}`];
}

/**
 * Builds the boot configuration from the optional `VIGIE_CONFIG` file (YAML or JSON) overlaid
 * with `VIGIE_*` variables (env wins), then defaults. Relative paths resolve against `cwd`.
 * @throws ConfigError (code `CONFIG_INVALID`) listing every problem found, never just the first.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const { env = process.env, readFile = readFileSync, cwd = process.cwd() } = options;
  const problems: string[] = [];
  const filePath = env.VIGIE_CONFIG?.trim() ? resolve(cwd, env.VIGIE_CONFIG.trim()) : undefined;
  const where = filePath ?? 'the config file';
  const raw = filePath ? readConfigFile(filePath, readFile, problems) : {};
  normaliseFileShape(raw, where, problems);
  const fromEnv = applyEnv(raw, env);
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(...issueToProblems(issue, fromEnv, where));
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  const c = result.data;
  const abs = (p: string): string => resolve(cwd, p); // also drops a trailing slash
  return { ...c, dataDir: abs(c.dataDir), listsDir: abs(c.listsDir), extraLists: c.extraLists.map(abs) };
}
