/**
 * The one pino root logger; modules take a child (`logger.child({ module })`). JSON lines by
 * default (journald, files, log collectors); on a terminal, one plain line per event
 * (`VIGIE_LOG_FORMAT`: json, pretty, or auto = pretty when stdout is a terminal).
 */
import pino, { type Logger } from 'pino';

export type { Logger };

/** How log lines are written. */
export type LogFormat = 'json' | 'pretty';
/** The setting: a format, or `auto` (pretty on a terminal, JSON otherwise). */
export type LogFormatSetting = LogFormat | 'auto';

/** The format for `setting` when stdout is (or is not) a terminal. */
export function chooseLogFormat(setting: LogFormatSetting, stdoutIsTTY: boolean): LogFormat {
  if (setting === 'auto') return stdoutIsTTY ? 'pretty' : 'json';
  return setting;
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every line has (shown in their own place, or not at all). */
const FRAME = new Set(['level', 'time', 'msg', 'app', 'pid', 'hostname']);
/** At most this many key=value pairs after the message, each value at most VALUE_MAX characters. */
const MAX_FIELDS = 6;
const VALUE_MAX = 80;

function shortValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  // One event, one line: control characters (a logged name may hold anything) become spaces.
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  const cut = flat.length > VALUE_MAX ? `${flat.slice(0, VALUE_MAX - 1)}…` : flat;
  return /[\s"=]/.test(cut) || cut === '' ? JSON.stringify(cut) : cut;
}

/**
 * One JSON log line as a person reads it: `14:03:07 WARN  message key=value …` (local time;
 * an error's message, and its stack at error level, follow). A line that is not JSON is kept.
 */
export function formatPretty(line: string): string {
  let event: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return line.endsWith('\n') ? line : `${line}\n`;
    event = parsed as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const time = typeof event.time === 'string' || typeof event.time === 'number' ? new Date(event.time) : null;
  const clock = time && !Number.isNaN(time.getTime()) ? time.toTimeString().slice(0, 8) : '--:--:--';
  const level = (typeof event.level === 'number' ? LEVELS[event.level] : undefined) ?? String(event.level ?? '?').toUpperCase();
  const parts = [clock, level.padEnd(5), typeof event.msg === 'string' ? shortValue(event.msg).replace(/^"|"$/g, '') : ''];
  const err = event.err as { message?: unknown; stack?: unknown } | undefined;
  const fields = Object.entries(event).filter(([key]) => !FRAME.has(key) && key !== 'err');
  for (const [key, value] of fields.slice(0, MAX_FIELDS)) parts.push(`${key}=${shortValue(value)}`);
  if (fields.length > MAX_FIELDS) parts.push(`(+${fields.length - MAX_FIELDS} more)`);
  if (err && typeof err.message === 'string') parts.push(`error=${shortValue(err.message)}`);
  let out = `${parts.filter((p) => p !== '').join(' ')}\n`;
  if (err && typeof err.stack === 'string' && typeof event.level === 'number' && event.level >= 50) out += `${err.stack}\n`;
  return out;
}

/** A destination that rewrites each JSON line of pino into formatPretty's line. */
export function prettyDestination(target: { write(text: string): unknown }): pino.DestinationStream {
  return { write: (line: string) => void target.write(formatPretty(line.replace(/\n$/, ''))) };
}

/** Creates the root logger writing to `destination` (stdout by default), as JSON or pretty lines. */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(1), format: LogFormat = 'json'): Logger {
  const out = format === 'pretty' ? prettyDestination(destination) : destination;
  return pino({ level, base: { app: 'vigie' }, timestamp: pino.stdTimeFunctions.isoTime }, out);
}
