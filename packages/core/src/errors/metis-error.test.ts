import { describe, expect, it } from 'vitest';
import { ERRORS, type ErrorName } from './descriptors.js';
import { MetisError, isMetisError, rootMetisError } from './metis-error.js';
import { StageError } from './stage-error.js';

describe('ERRORS', () => {
  const entries = Object.entries(ERRORS);

  it('gives every descriptor a unique numeric code and its own name', () => {
    const codes = entries.map(([, d]) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const [name, d] of entries) {
      expect(d.name).toBe(name);
      expect(Number.isInteger(d.code)).toBe(true);
      expect(d.code).toBeGreaterThanOrEqual(100);
      expect(d.code).toBeLessThan(1100); // 1xx..9xx, and 10xx (DACs)
    }
  });

  it('keeps the codes the tests and clients rely on', () => {
    const expected: Partial<Record<ErrorName, number>> = {
      PLUGIN_DUPLICATE: 101,
      PLUGIN_DEPENDENCY_MISSING: 102,
      PLUGIN_DEPENDENCY_CYCLE: 103,
      CAPABILITY_MISSING: 104,
      CAPABILITY_DUPLICATE: 105,
      CAPABILITY_NOT_REGISTERED: 106,
      TOKEN_NOT_REGISTERED: 107,
      NODE_STATE: 109,
      CONFIG_INVALID: 201,
      STAGE_FAILED: 301,
      STAGE_PROVIDER_MISSING: 302,
      STAGE_PROVIDER_CONFLICT: 303,
      MIDDLEWARE_NEXT_TWICE: 304,
      STAGE_UNDECLARED: 305,
    };
    for (const [name, code] of Object.entries(expected)) expect(ERRORS[name as ErrorName].code).toBe(code);
  });

  it('gives JSON-RPC codes to every transaction and RPC error', () => {
    for (const [, d] of entries) {
      if (d.code >= 400 && d.code < 600) expect(typeof (d as { rpcCode?: number }).rpcCode).toBe('number');
    }
  });
});

describe('MetisError', () => {
  it('exposes a stable code, its descriptor and its args', () => {
    const err = new MetisError('TX_NONCE_TOO_LOW', { sender: '0xab', nonce: 3n, expected: 5 });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('MetisError');
    expect(err.code).toBe('METIS-405');
    expect(err.descriptor).toBe(ERRORS.TX_NONCE_TOO_LOW);
    expect(err.args).toEqual({ sender: '0xab', nonce: 3n, expected: 5 });
    expect(err.is('TX_NONCE_TOO_LOW')).toBe(true);
    expect(err.is('TX_NONCE_TOO_HIGH')).toBe(false);
  });

  it('fills the message template from args and leaves unknown placeholders visible', () => {
    const err = new MetisError('PLUGIN_DUPLICATE', { id: 'evm' });
    expect(err.message).toContain('evm');
    expect(err.message).not.toContain('{id}');
    expect(new MetisError('PLUGIN_DUPLICATE').message).toContain('{id}');
  });

  it('accepts a custom descriptor (plugins can define their own errors)', () => {
    const err = new MetisError({ code: 9001, name: 'ACME_FAILED', message: 'acme {what}' }, { what: 'broke' });
    expect(err.code).toBe('METIS-9001');
    expect(err.message).toBe('acme broke');
  });

  it('carries data and cause', () => {
    const cause = new Error('root');
    const err = new MetisError('RPC_INTERNAL', { reason: 'x' }, { cause, data: { detail: 1 } });
    expect(err.cause).toBe(cause);
    expect(err.data).toEqual({ detail: 1 });
    expect(new MetisError('RPC_INTERNAL', { reason: 'x' }).cause).toBeUndefined();
  });

  it('walks its cause chain, stopping on loops', () => {
    const a = new Error('a');
    const b = new MetisError('RPC_INTERNAL', { reason: 'b' }, { cause: a });
    const c = new MetisError('RPC_INTERNAL', { reason: 'c' }, { cause: b });
    expect([...c.causes()]).toEqual([c, b, a]);
    const loop = new MetisError('RPC_INTERNAL', { reason: 'loop' });
    (loop as { cause?: unknown }).cause = loop;
    expect([...loop.causes()]).toEqual([loop]);
  });
});

describe('isMetisError / rootMetisError', () => {
  it('isMetisError checks the class and optionally the name', () => {
    const err = new MetisError('CONFIG_INVALID', { count: 0, details: '' });
    expect(isMetisError(err)).toBe(true);
    expect(isMetisError(err, 'CONFIG_INVALID')).toBe(true);
    expect(isMetisError(err, 'CONFIG_NOT_FOUND')).toBe(false);
    expect(isMetisError(new Error('x'))).toBe(false);
    expect(isMetisError(undefined)).toBe(false);
    expect(isMetisError(new StageError('order', 'p', new Error('x')), 'STAGE_FAILED')).toBe(true);
  });

  it('rootMetisError finds the innermost MetisError', () => {
    const inner = new MetisError('TX_MALFORMED', { reason: 'rlp' }, { cause: new Error('low level') });
    const outer = new StageError('ingest', 'mempool', inner);
    expect(rootMetisError(outer)).toBe(inner);
    expect(rootMetisError(new Error('wrap', { cause: outer }))).toBe(inner);
    expect(rootMetisError(inner)).toBe(inner);
    expect(rootMetisError(new Error('plain'))).toBeUndefined();
    expect(rootMetisError(undefined)).toBeUndefined();
    expect(rootMetisError('string')).toBeUndefined();
  });
});

describe('StageError', () => {
  it('is a STAGE_FAILED MetisError naming stage, plugin and cause', () => {
    const cause = new Error('boom');
    const err = new StageError('execute', 'evm', cause);
    expect(err).toBeInstanceOf(MetisError);
    expect(err.name).toBe('StageError');
    expect(err.code).toBe('METIS-301');
    expect(err.stage).toBe('execute');
    expect(err.plugin).toBe('evm');
    expect(err.cause).toBe(cause);
    expect(err.args).toMatchObject({ stage: 'execute', plugin: 'evm', reason: 'boom' });
    expect(new StageError('order', 'p', 42).args.reason).toBe('42');
  });
});
