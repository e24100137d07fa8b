/**
 * `vigie healthcheck [--timeout MS]`: one real DNS question to Vigie's own DNS address, for
 * Docker's HEALTHCHECK, systemd and monitoring scripts. The question is `localhost. A`, which
 * Vigie answers itself (RFC 6761 §6.3) without asking an upstream, so a dead internet link does
 * not make Vigie look unhealthy and nothing leaves the machine.
 *
 * Exit 0 with one line on stdout when a NOERROR/NXDOMAIN answer comes back in time; exit 1 with
 * one line on stderr otherwise. Never 2: Docker reserves that status.
 */
import { parseArgs } from 'node:util';
import { isAppError } from '../errors.js';
import { loadConfig, type Config } from '../config.js';
import { QType, Rcode } from '../dns/constants.js';
import { probeDns } from '../doctor/dns-probe.js';

/** Default deadline: well under Docker's HEALTHCHECK --timeout (5 s in the Dockerfile). */
export const DEFAULT_HEALTHCHECK_TIMEOUT_MS = 2000;

const RCODE_NAMES = new Map<number, string>(Object.entries(Rcode).map(([name, code]) => [code, name]));

/** Where to ask: the first DNS listen address, a wildcard turned into its loopback. */
export function healthcheckAddress(config: Pick<Config, 'dns'>): { host: string; port: number } {
  const first = config.dns.hosts[0] ?? '0.0.0.0';
  const host = first === '0.0.0.0' ? '127.0.0.1' : first === '::' ? '::1' : first;
  return { host, port: config.dns.port };
}

function fail(message: string): number {
  process.stderr.write(`vigie healthcheck: ${message}\n`);
  return 1;
}

/** Entry point of `vigie healthcheck`. */
export async function runHealthcheck(args: string[]): Promise<number> {
  let timeoutMs = DEFAULT_HEALTHCHECK_TIMEOUT_MS;
  try {
    const { values } = parseArgs({ args, options: { timeout: { type: 'string' } }, allowPositionals: false });
    if (values.timeout !== undefined) {
      timeoutMs = Number(values.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000) {
        return fail(`--timeout must be a whole number of milliseconds between 1 and 60000, not '${values.timeout}'`);
      }
    }
  } catch (err) {
    return fail(`${(err as Error).message} (usage: vigie healthcheck [--timeout MS])`);
  }

  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    // One line, as for every other failure: the full list is what `vigie doctor` prints.
    return fail(isAppError(err) ? err.message : String(err));
  }
  if (config.dns.port === 0) return fail('VIGIE_DNS_PORT is 0 (a random port): there is no fixed address to check');

  const { host, port } = healthcheckAddress(config);
  const where = `${host.includes(':') ? `[${host}]` : host} port ${port}`;
  const result = await probeDns(host, port, { name: 'localhost', type: QType.A, timeoutMs });
  if (!result.ok) {
    const why = result.error.startsWith('no answer') ? `no DNS answer from ${where} within ${timeoutMs} ms` : `cannot ask ${where}: ${result.error}`;
    return fail(`${why}; is \`vigie serve\` running? (\`vigie doctor\` says more)`);
  }
  if (result.rcode === Rcode.REFUSED) {
    return fail(`${where} answered REFUSED: add ${host} to VIGIE_ALLOWED_CLIENTS (loopback is allowed by default)`);
  }
  if (result.rcode !== Rcode.NOERROR && result.rcode !== Rcode.NXDOMAIN) {
    return fail(`${where} answered ${RCODE_NAMES.get(result.rcode) ?? `RCODE ${result.rcode}`} to localhost`);
  }
  process.stdout.write(`DNS answers on ${where} (${result.ms} ms)\n`);
  return 0;
}
