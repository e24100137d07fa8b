// Checks on the services read from lists/services/*.json. Every problem becomes one message naming
// the file and the service, so a contributor sees them all at once; the build stops when there is any.
// Plain Node, no dependencies (the build runs before `npm install`).

export const ROLES = ['website', 'app-api', 'media', 'short-link', 'mirror', 'regional', 'legacy', 'dns', 'vpn', 'proxy'];
/** Highest first (see lists/README.md). */
export const CONFIDENCE = ['confirmed-list', 'seen-config', 'seen-article', 'seen-code-index', 'guess'];

const ID = /^[a-z0-9][a-z0-9-]{0,59}$/;
/** A lower-case DNS name with at least two labels; `_` allowed (some CDN hosts use it). */
const DOMAIN = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const isDomain = (name) => typeof name === 'string' && DOMAIN.test(name);

/** True when rule `rule` blocks `name` (the name itself or one of its subdomains). */
export const covers = (rule, name) => name === rule || name.endsWith(`.${rule}`);

const nonEmptyStrings = (v) => Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s.trim() !== '');

/**
 * Checks one file's services (the array parsed from lists/services/<category>.json).
 * @param file file name for messages, e.g. "dating.json"
 * @param category the category the file stands for (its name without .json)
 * @param services the parsed JSON
 * @param reservedIds list and category ids a service id must not take
 * @returns messages, empty when the file is fine
 */
export function checkServiceFile(file, category, services, reservedIds) {
  if (!Array.isArray(services)) return [`${file}: expected a JSON array of services`];
  const errors = [];
  services.forEach((s, i) => {
    const where = `${file}: service ${typeof s?.id === 'string' ? `'${s.id}'` : `#${i + 1}`}`;
    if (typeof s !== 'object' || s === null) { errors.push(`${where}: not an object`); return; }
    if (typeof s.id !== 'string' || !ID.test(s.id)) errors.push(`${where}: id must match ${ID} (lower-case letters, digits, '-', at most 60 characters)`);
    else if (reservedIds.has(s.id)) errors.push(`${where}: id equals a category or list id; pick another id`);
    if (typeof s.name?.en !== 'string' || typeof s.name?.fr !== 'string' || s.name.en.trim() === '' || s.name.fr.trim() === '') errors.push(`${where}: name needs non-empty "en" and "fr"`);
    else if (/[—]/.test(s.name.en)) errors.push(`${where}: the em dash separates the comment fields of the list files; use '-' in the name`);
    if (s.category !== category) errors.push(`${where}: category '${s.category}' does not match its file (${category})`);
    if (typeof s.reviewed !== 'string' || !DATE.test(s.reviewed)) errors.push(`${where}: reviewed must be a date YYYY-MM-DD`);
    if (s.notes !== undefined && typeof s.notes !== 'string') errors.push(`${where}: notes must be a string`);
    if (!Array.isArray(s.domains) || s.domains.length === 0) { errors.push(`${where}: has no domain`); return; }
    if (!s.domains.some((d) => nonEmptyStrings(d?.sources))) errors.push(`${where}: has no source`);
    for (const d of s.domains) {
      const name = d?.name;
      if (!isDomain(name)) { errors.push(`${where}: '${name}' is not a valid domain name (lower case, no scheme, no trailing dot)`); continue; }
      if (!ROLES.includes(d.role)) errors.push(`${where}: ${name}: role '${d.role}' is not one of ${ROLES.join(', ')}`);
      if (!CONFIDENCE.includes(d.confidence)) errors.push(`${where}: ${name}: confidence '${d.confidence}' is not one of ${CONFIDENCE.join(', ')}`);
      if (!nonEmptyStrings(d.sources)) errors.push(`${where}: ${name}: domain without a source`);
      else if (d.sources.some((src) => /[—]/.test(src))) errors.push(`${where}: ${name}: the em dash separates the comment fields; use '-' in sources`);
    }
  });
  return errors;
}

/**
 * Checks across all services: a domain in two services (or twice in one), a duplicated service id,
 * a rule equal to or covering a never-block name.
 * @param services every service, each with `file`
 * @param neverBlock never-block.txt names
 */
export function checkAcrossServices(services, neverBlock) {
  const errors = [];
  const idFile = new Map();
  const owner = new Map();
  for (const s of services) {
    if (idFile.has(s.id)) errors.push(`${s.file}: service '${s.id}': id already used in ${idFile.get(s.id)}`);
    else idFile.set(s.id, s.file);
    for (const d of s.domains) {
      const seen = owner.get(d.name);
      if (seen) errors.push(`${s.file}: service '${s.id}': domain ${d.name} is already in service '${seen.id}' (${seen.file}); a domain belongs to one service`);
      else owner.set(d.name, s);
      const shielded = neverBlock.filter((n) => covers(d.name, n));
      if (shielded.length > 0) errors.push(`${s.file}: service '${s.id}': ${d.name} would block never-block name(s) ${shielded.join(', ')}; list exact hostnames instead`);
    }
  }
  return errors;
}
