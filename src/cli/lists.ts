/**
 * `vigie lists`: the parents' remote list subscriptions (config.db) and their kept copies
 * ($dataDir/lists). Every change touches `$dataDir/lists/.changed`; a running `vigie serve`
 * watches it and reloads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type Database from 'better-sqlite3';
import { loadConfig, type Config } from '../config.js';
import { AppError } from '../errors.js';
import { removeListFiles, subscriptionListsDir, touchListsChanged } from '../blocklists/subscriptions/list-files.js';
import { createRefresher, type RefreshOutcome, type RefreshProgress } from '../blocklists/subscriptions/refresher.js';
import { noteSourceSubscribed, noteSubscriptionRemoved } from '../blocklists/subscriptions/seed-sources.js';
import { readShippedSources, shippedSourceForUrl, sourceRefresherOptions, type ShippedSource } from '../blocklists/subscriptions/shipped-sources.js';
import { shippedSourceStatus, type SourceStatus } from '../blocklists/subscriptions/source-status.js';
import { createSubscriptionStore, DEFAULT_SUBSCRIPTION_CATEGORIES, SubscriptionValidationError, type Subscription, type SubscriptionStore } from '../blocklists/subscriptions/subscription-store.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../store/config-database.js';

const USAGE = `Usage:
  vigie lists [--json]                     subscribed lists and the shipped public lists, and their state
  vigie lists add URL --category ID        subscribe to a remote list (http/https) and download it
  vigie lists remove URL|ID                unsubscribe and delete the kept copy (a shipped list:
                                           stop refreshing it, its shipped snapshot is used)
  vigie lists update [--json]              download every subscribed list now (also when
                                           VIGIE_LIST_UPDATES=off)
`;

/**
 * Makes text from the network (URLs, ETags, error messages) safe to print on a terminal: C0/C1
 * control characters, DEL and bidi overrides become visible `\\xNN` / `\\u{NNNN}` escapes, so a list
 * server cannot move the cursor, recolour or rewrite what the parent reads.
 */
export function escapeForTerminal(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** Entry point of `vigie lists …`. */
export async function runLists(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'help' || sub === '--help' || sub === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (sub !== undefined && !sub.startsWith('-') && !['add', 'remove', 'update'].includes(sub)) {
    process.stderr.write(`vigie lists: unknown sub-command '${escapeForTerminal(sub)}'\n\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const db = openConfigDatabase({ file: join(config.dataDir, CONFIG_DB_FILE) });
  try {
    const store = createSubscriptionStore({ db, categories: knownCategories(config) });
    const ctx: ListsCtx = { config, db, store, sources: readShippedSources(config.listsDir) };
    switch (sub) {
      case 'add':
        return await add(rest, ctx);
      case 'remove':
        return remove(rest, ctx);
      case 'update':
        return await update(rest, ctx);
      default:
        return show(args, ctx);
    }
  } catch (err) {
    if (err instanceof SubscriptionValidationError || (err instanceof AppError && err.code === 'SUBSCRIPTION_EXISTS')) {
      process.stderr.write(`vigie lists: ${escapeForTerminal(err.message)}\n`);
      return 2;
    }
    throw err;
  } finally {
    db.close();
  }
}

interface ListsCtx {
  readonly config: Config;
  readonly db: Database.Database;
  readonly store: SubscriptionStore;
  /** The catalog's shipped sources (null: catalog unreadable). */
  readonly sources: ShippedSource[] | null;
}

/** The default categories plus any the installed catalog.json names. */
function knownCategories(config: Config): string[] {
  const found = new Set(DEFAULT_SUBSCRIPTION_CATEGORIES);
  try {
    const raw: unknown = JSON.parse(readFileSync(join(config.listsDir, 'catalog.json'), 'utf8'));
    // catalog v1 is an array; v2 is {version, lists, services}.
    const catalog = Array.isArray(raw) ? raw : (raw as { lists?: unknown } | null)?.lists;
    if (Array.isArray(catalog)) {
      for (const entry of catalog) {
        const category = (entry as { category?: unknown } | null)?.category;
        if (typeof category === 'string' && /^[a-z0-9-]+$/.test(category)) found.add(category);
      }
    }
  } catch {
    /* no catalog: the defaults are enough */
  }
  return [...found];
}

function refresherFor({ config, store, sources }: ListsCtx) {
  return createRefresher({ store, listsDir: subscriptionListsDir(config.dataDir), ...sourceRefresherOptions(sources) });
}

async function add(args: string[], ctx: ListsCtx): Promise<number> {
  const { config, store } = ctx;
  const { values, positionals } = parseArgs({ args, options: { category: { type: 'string' }, 'no-fetch': { type: 'boolean', default: false } }, allowPositionals: true });
  if (positionals.length !== 1 || values.category === undefined) {
    process.stderr.write(`vigie lists add: needs one URL and --category ID\n\n${USAGE}`);
    return 2;
  }
  // The URL of a shipped list: it is kept fresh again (its removal forgotten), in its own category.
  const source = shippedSourceForUrl(ctx.sources ?? [], positionals[0]!);
  if (source !== undefined && store.get(source.url) === undefined) noteSourceSubscribed(ctx.db, source);
  const added = store.add({ url: positionals[0]!, category: source?.category ?? values.category, source: source?.id ?? null });
  process.stdout.write(`added ${added.id}  ${added.category}  ${escapeForTerminal(added.url)}${source ? `  (the shipped list ${source.id}: refreshed weekly again)` : ''}\n`);
  if (values['no-fetch']) return 0;
  const outcome = await refresherFor(ctx).refreshOne(added.id);
  if (outcome.outcome === 'updated') touchListsChanged(config.dataDir);
  if (outcome.outcome === 'failed') {
    process.stdout.write(`${escapeForTerminal(`FAILED ${outcome.id}: ${outcome.error ?? 'unknown error'}`)} (the subscription is kept; 'vigie lists update' tries again)\n`);
    return 1;
  }
  process.stdout.write(`${describeOutcome(outcome)}\n`);
  return 0;
}

function remove(args: string[], { config, db, store }: ListsCtx): number {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  if (positionals.length !== 1) {
    process.stderr.write(`vigie lists remove: needs one URL or id\n\n${USAGE}`);
    return 2;
  }
  const removed = store.remove(positionals[0]!);
  if (removed === undefined) {
    process.stderr.write(`vigie lists: no subscription ${escapeForTerminal(positionals[0]!)}\n`);
    return 1;
  }
  noteSubscriptionRemoved(db, removed);
  removeListFiles(subscriptionListsDir(config.dataDir), removed.id);
  touchListsChanged(config.dataDir);
  process.stdout.write(`removed ${removed.id}  ${escapeForTerminal(removed.url)}\n`);
  if (removed.source !== null) process.stdout.write(`the shipped list ${removed.source} is no longer refreshed: its shipped snapshot is used ('vigie lists add ${escapeForTerminal(removed.url)} --category ${removed.category}' resumes)\n`);
  return 0;
}

async function update(args: string[], ctx: ListsCtx): Promise<number> {
  const { config } = ctx;
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: false });
  const tty = !values.json && process.stdout.isTTY === true;
  const onProgress: RefreshProgress | undefined = values.json ? undefined : tty ? progressBar : ({ last }) => last && process.stdout.write(`${describeOutcome(last)}\n`);
  const outcomes = await refresherFor(ctx).refreshAll(onProgress ? { onProgress } : {});
  if (outcomes.some((o) => o.outcome === 'updated')) touchListsChanged(config.dataDir);
  if (values.json) process.stdout.write(`${JSON.stringify(outcomes)}\n`);
  else if (tty) for (const o of outcomes) process.stdout.write(`${describeOutcome(o)}\n`);
  if (!values.json && outcomes.length === 0) process.stdout.write('no subscribed lists (add one with: vigie lists add URL --category ID)\n');
  return outcomes.some((o) => o.outcome === 'failed') ? 1 : 0;
}

const progressBar: RefreshProgress = ({ done, total, current }) => {
  if (total === 0) return;
  const width = 24;
  const filled = Math.round((done / total) * width);
  const label = current ? ` ${current.id}` : '';
  process.stdout.write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}${label}`);
  if (done === total) process.stdout.write('\n');
};

function describeOutcome(o: RefreshOutcome): string {
  const entries = o.entries === undefined ? '' : ` (${o.entries} entries)`;
  const text = {
    updated: `updated ${o.id}${entries}`,
    unchanged: `unchanged ${o.id}${entries}`,
    'not-modified': `not modified ${o.id}${entries}`,
    failed: `FAILED ${o.id}: ${o.error ?? 'unknown error'} (any previous copy is kept)`,
  }[o.outcome];
  return escapeForTerminal(text);
}

function show(args: string[], { config, store, sources }: ListsCtx): number {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: false });
  const subs = store.list();
  const shipped = shippedSourceStatus(sources, subs, subscriptionListsDir(config.dataDir));
  if (values.json) {
    // One array of subscription rows; a shipped list's row also says which copy is in use.
    const byRow = new Map(shipped.filter((s) => s.subscription !== null).map((s) => [s.subscription!.id, s]));
    process.stdout.write(`${JSON.stringify(subs.map((s) => (byRow.has(s.id) ? { ...s, shipped: shippedJson(byRow.get(s.id)!) } : s)))}\n`);
    return 0;
  }
  const when = new Intl.DateTimeFormat('sv-SE', { timeZone: config.tz, dateStyle: 'short', timeStyle: 'short' });
  const own = subs.filter((s) => s.source === null);
  if (own.length === 0) process.stdout.write('no subscribed lists (add one with: vigie lists add URL --category ID)\n');
  else table(['ID', 'CATEGORY', 'ENTRIES', 'LAST REFRESH', 'URL', 'LAST ERROR'], own.map((s) => row(s, when)));
  if (shipped.length > 0) {
    process.stdout.write(`\nshipped public lists (refreshed weekly${config.listUpdates === 'off' ? '; automatic updates are OFF (VIGIE_LIST_UPDATES=off)' : ''}):\n`);
    table(['LIST', 'CATEGORY', 'ENTRIES', 'IN USE', 'LAST REFRESH', 'LAST ERROR'], shipped.map((s) => shippedRow(s, when)));
  }
  return 0;
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows]) {
    process.stdout.write(`${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()}\n`);
  }
}

function shippedJson(s: SourceStatus) {
  return {
    list: s.id, title: s.shipped?.title ?? null, licence: s.shipped?.licence ?? null, sources: s.shipped?.sources ?? [],
    snapshotDate: s.shipped?.snapshotDate ?? null, snapshotEntries: s.shipped?.snapshotEntries ?? null,
    inUse: s.inUse, entriesInUse: s.entries, keepingPrevious: s.keepingPrevious,
  };
}

function shippedRow(s: SourceStatus, when: Intl.DateTimeFormat): string[] {
  const sub = s.subscription;
  const inUse = s.inUse === 'kept-copy' && sub?.lastSuccess != null
    ? `copy refreshed ${when.format(sub.lastSuccess)}`
    : `shipped snapshot${s.shipped?.snapshotDate ? ` of ${s.shipped.snapshotDate}` : ''}`;
  const status = sub === null
    ? 'not refreshed: removed by you (vigie lists add URL resumes)'
    : sub.lastError === null ? '' : /stays$/.test(sub.lastError) ? sub.lastError : `${sub.lastError}: keeping the ${s.inUse === 'kept-copy' ? 'previous copy' : 'shipped snapshot'}`;
  return [
    s.id,
    sub !== null && !sub.enabled ? `${s.category} (off)` : s.category,
    s.entries === null ? '-' : String(s.entries),
    inUse,
    sub?.lastRefresh == null ? 'never' : when.format(sub.lastRefresh),
    escapeForTerminal(status),
  ];
}

function row(s: Subscription, when: Intl.DateTimeFormat): string[] {
  return [
    s.id,
    s.enabled ? s.category : `${s.category} (off)`,
    s.entries === null ? '-' : String(s.entries),
    s.lastRefresh === null ? 'never' : when.format(s.lastRefresh),
    escapeForTerminal(s.url),
    s.lastError === null ? '' : escapeForTerminal(s.lastError),
  ];
}
