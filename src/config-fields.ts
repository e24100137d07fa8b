import type { z } from 'zod';
import { configSchema, envRegistry, type EnvMeta } from './config-schema.js';

/** One leaf of the config schema, as needed to read env vars, name problems and write docs. */
export interface ConfigField extends EnvMeta {
  /** Dotted file key, e.g. `dns.port`. */
  readonly key: string;
  readonly path: readonly string[];
  readonly description: string;
  readonly schema: z.ZodType;
}

function unwrapObject(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let s = schema as z.ZodType & { def: { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> } };
  while (s.def.type === 'prefault' || s.def.type === 'default') s = s.def.innerType as typeof s;
  return s.def.type === 'object' ? s.def.shape : undefined;
}

function collect(shape: Record<string, z.ZodType>, prefix: string[], out: ConfigField[]): void {
  for (const [name, schema] of Object.entries(shape)) {
    const path = [...prefix, name];
    const meta = envRegistry.get(schema);
    if (meta) {
      out.push({ ...meta, key: path.join('.'), path, description: schema.description ?? '', schema });
      continue;
    }
    const inner = unwrapObject(schema);
    if (!inner) throw new Error(`config field ${path.join('.')} has no env metadata`);
    collect(inner, path, out);
  }
}

/** Every leaf field of {@link configSchema}, in declaration order. */
export const configFields: readonly ConfigField[] = (() => {
  const out: ConfigField[] = [];
  collect(unwrapObject(configSchema)!, [], out);
  return out;
})();

/** Section names (objects holding fields), e.g. `dns`, `cache`. */
export const configSections: ReadonlySet<string> = new Set(
  configFields.filter((f) => f.path.length > 1).map((f) => f.path.slice(0, -1).join('.')),
);

/** Known keys directly under a section ('' for the top level), for "did you mean" hints. */
export function knownKeysAt(section: string): string[] {
  const depth = section === '' ? 0 : section.split('.').length;
  const keys = configFields
    .filter((f) => f.path.length > depth && f.path.slice(0, depth).join('.') === section)
    .map((f) => f.path[depth]!);
  return [...new Set(keys)];
}

/** The field whose key is `path` or a prefix of it (array items, upstream object parts). */
export function fieldForPath(path: readonly PropertyKey[]): ConfigField | undefined {
  return configFields.find((f) => f.path.every((p, i) => path[i] === p));
}
