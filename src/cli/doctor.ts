/** `vigie doctor`: checks what a parent cannot see and says how to fix each problem. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { runChecks } from '../doctor/checks.js';

const MARK = { ok: '✓', warn: '!', fail: '✗' } as const;

/** Entry point of `vigie doctor [--json]`; exit 1 when a check fails. */
export async function runDoctor(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  const config = loadConfig();
  const findings = await runChecks(config, Date.now());
  if (values.json) process.stdout.write(`${JSON.stringify(findings)}\n`);
  else {
    for (const f of findings) process.stdout.write(`${MARK[f.status]} ${f.message}${f.fix ? `\n    → ${f.fix}` : ''}\n`);
  }
  return findings.some((f) => f.status === 'fail') ? 1 : 0;
}
