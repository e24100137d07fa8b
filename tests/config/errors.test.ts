import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigProblems } from '../../src/config.js';
import { AppError, isAppError } from '../../src/errors.js';

describe('AppError', () => {
  it('carries a stable code, a message and a cause', () => {
    const cause = new Error('EADDRINUSE');
    const err = new AppError('PORT_IN_USE', 'port 53 is taken', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('PORT_IN_USE');
    expect(err.message).toBe('port 53 is taken');
    expect(err.cause).toBe(cause);
    expect(err.name).toBe('AppError');
    expect(isAppError(err)).toBe(true);
    expect(isAppError(err, 'PORT_IN_USE')).toBe(true);
    expect(isAppError(err, 'PORT_DENIED')).toBe(false);
    expect(isAppError(cause)).toBe(false);
  });

  it('has no cause unless given one', () => {
    expect('cause' in new AppError('UPSTREAM_FAILED', 'all upstreams failed')).toBe(false);
  });
});

describe('ConfigError and formatConfigProblems', () => {
  it.each([
    [['VIGIE_DNS_PORT: bad'], 'vigie: invalid configuration (1 problem):\n  - VIGIE_DNS_PORT: bad'],
    [['A: x', 'B: y', 'C: z'], 'vigie: invalid configuration (3 problems):\n  - A: x\n  - B: y\n  - C: z'],
  ])('formats %j', (problems, text) => {
    const err = new ConfigError(problems);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.name).toBe('ConfigError');
    expect(err).toBeInstanceOf(AppError);
    expect(err.problems).toEqual(problems);
    expect(formatConfigProblems(err)).toBe(text);
  });
});
