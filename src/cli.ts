#!/usr/bin/env node
/** `vigie <command>`: the entry point. Each command lives in src/cli/<command>.ts. */
import { formatConfigProblems, ConfigError } from './config.js';
import { isAppError } from './errors.js';
import { runCheck } from './cli/check.js';
import { runBackup, runRestore } from './cli/backup.js';
import { runDoctor } from './cli/doctor.js';
import { runHealthcheck } from './cli/healthcheck.js';
import { runSync } from './cli/sync.js';
import { runReport } from './cli/report.js';
import { runPasswd } from './cli/passwd.js';
import { runToken } from './cli/token.js';
import { runDevices } from './cli/devices.js';
import { runLists } from './cli/lists.js';
import { runLog } from './cli/log.js';
import { runPause } from './cli/pause.js';
import { runProfiles } from './cli/profiles.js';
import { runRules } from './cli/rules.js';
import { runSchedules } from './cli/schedules.js';
import { runServe } from './cli/serve.js';
import { runSetupCode } from './cli/setup-code.js';
import { runServices } from './cli/services.js';

const USAGE = `Usage: vigie <command> [options]

Commands:
  serve                      answer DNS for the home (configuration: VIGIE_* variables, see docs/configuration.md)
  check NAME [--client IP [--mac MAC]] [--json]
                             say whether NAME is blocked, and by which list and rule;
                             with --client: for that device now (profile, override, schedule)
  log [--json] [--limit N] [--client IP]
                             print recent blocked attempts, newest first
  report [--week 2026-W48|this|last] [--format text|json|csv|html] [--lang fr|en]
                             weekly report per device: categories, days, hours, top sites, bypass attempts,
                             first high-risk attempts, new devices, lookups, trend (default: last complete week)
  lists [add URL --category ID | remove URL|ID | update] [--json]
                             remote blocklist subscriptions: status, subscribe, unsubscribe, refresh now
  rules [allow|block NAME [--exact] | remove NAME] [--json]
                             the parents' own allow and block entries (allow beats every list)
  services [SEARCH] [--category ID] [--profile P] [--json]
                             the apps and sites of the catalog (TikTok, Yubo…); with --profile: blocked now, and why
  devices [set REF [--name N] [--profile P|default] | forget REF
          | allow|block REF (--service ID | --name NAME [--exact]) | rules REF | unrule REF (--service ID | --name NAME)] [--json]
                             devices seen on the network: name them, choose their profile, their own rules
  profiles [add ID --name N [--from P] | set ID [--block ID] [--allow ID] [--default ID] ... | rule ID allow|block NAME [--exact]
           | unrule ID NAME | remove ID | default [ID]] [--json]
                             what each profile blocks (categories and services); the profile of unknown devices
  schedules [PROFILE | add PROFILE --days D --from HH:MM --to HH:MM (--block CAT|SERVICE,... | --bedtime [--allow NAME|SERVICE,...])
            | remove ID | enable ID | disable ID] [--json]
                             weekly windows: extra categories or services, or bedtime
  pause [REF --minutes N [--block | --everything] | REF --end] [--json]
                             reward time for one device for N minutes (risky categories stay blocked;
                             --everything turns all filtering off; --block blocks everything)
  doctor [--json]            check DNS, upstreams, databases, lists, clock and device identification; each problem with its fix
  healthcheck [--timeout MS] ask this Vigie one DNS question (localhost, answered locally); exit 0 when it answers,
                             1 with the reason otherwise (Docker HEALTHCHECK, monitoring)
  setup-code                 print the one-time setup code of the admin page's /setup (run it with sudo)
  passwd [--revoke-tokens]   set the admin page's password (asked twice, or the first line of stdin); logs every admin session out
                             (and revokes every API token with --revoke-tokens)
  token create NAME | list [--json] | revoke NAME|ID
                             API tokens for scripts (Authorization: Bearer …); the secret is printed once
  backup FILE [--with-password]
                             write the configuration (devices, profiles, schedules, rules, subscriptions,
                             settings) to FILE; the admin password hash only with --with-password
  restore FILE [--dry-run]   replace the configuration with a backup's (validated first, all or nothing)
  sync --from URL --token T [--every 10m]
                             copy a primary Vigie's configuration to this one (a second DNS server)
  help                       this text
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return runServe(rest);
    case 'check':
      return runCheck(rest);
    case 'doctor':
      return runDoctor(rest);
    case 'healthcheck':
      return runHealthcheck(rest);
    case 'report':
      return runReport(rest);
    case 'passwd':
      return runPasswd(rest);
    case 'setup-code':
      return runSetupCode(rest);
    case 'backup':
      return runBackup(rest);
    case 'restore':
      return runRestore(rest);
    case 'sync':
      return runSync(rest);
    case 'token':
      return runToken(rest);
    case 'log':
      return runLog(rest);
    case 'rules':
      return runRules(rest);
    case 'lists':
      return runLists(rest);
    case 'devices':
      return runDevices(rest);
    case 'profiles':
      return runProfiles(rest);
    case 'schedules':
      return runSchedules(rest);
    case 'services':
      return runServices(rest);
    case 'pause':
      return runPause(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`vigie: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`${formatConfigProblems(err)}\n`);
    else if (isAppError(err)) process.stderr.write(`vigie: ${err.message}\n`);
    else process.stderr.write(`vigie: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
