import { describe, expect, it } from 'vitest';
import { MetisError } from '@metis/core';
import { toRpcError } from '../src/index.js';
import { buildMethodTable } from '../src/methods.js';
import { encodeResponse } from '../src/json.js';

describe('toRpcError', () => {
  it('maps a MetisError with an rpcCode', () => {
    const e = new MetisError('TX_ALREADY_KNOWN');
    expect(toRpcError(e)).toEqual({ code: -32000, message: e.message, data: { metisCode: 'METIS-413' } });
  });

  it('passes revert data through verbatim', () => {
    const e = new MetisError('RPC_EXECUTION_REVERTED', { reason: ': nope' }, { data: '0xdeadbeef' });
    expect(toRpcError(e)).toEqual({ code: 3, message: e.message, data: '0xdeadbeef' });
  });

  it('uses the innermost MetisError of the cause chain', () => {
    const inner = new MetisError('TX_NONCE_TOO_LOW', { sender: '0x1', nonce: 0, expected: 1 });
    const outer = new Error('stage failed', { cause: new MetisError('STAGE_FAILED', { stage: 'ingest', plugin: 'p', reason: 'r' }, { cause: inner }) });
    expect(toRpcError(outer)).toMatchObject({ code: -32000, data: { metisCode: 'METIS-405' } });
  });

  it('falls back to an outer coded error when the innermost has no rpcCode', () => {
    const e = new MetisError('RPC_EXECUTION_FAILED', { reason: 'x' }, { cause: new MetisError('STORAGE_CORRUPT', { key: 'k', reason: 'r' }) });
    expect(toRpcError(e)).toMatchObject({ code: -32000, data: { metisCode: 'METIS-514' } });
  });

  it('hides anything else behind -32603', () => {
    const r = toRpcError(new Error('secret'));
    expect(r.code).toBe(-32603);
    expect(JSON.stringify(r)).not.toContain('secret');
    expect(toRpcError('a string').code).toBe(-32603);
    expect(toRpcError(new MetisError('STORAGE_CORRUPT', { key: 'k', reason: 'r' }))).toMatchObject({ code: -32603, data: { metisCode: 'METIS-601' } });
  });
});

describe('method table', () => {
  it('rejects duplicates and server-owned names with PLUGIN_INVALID', () => {
    const a = { methods: { eth_chainId: () => '0x1' } };
    expect(() => buildMethodTable([a, a])).toThrow(expect.objectContaining({ code: 'METIS-108' }));
    expect(() => buildMethodTable([{ methods: { eth_subscribe: () => '0x' } }])).toThrow(expect.objectContaining({ code: 'METIS-108' }));
    const s = { methods: {}, subscriptions: { newHeads: () => () => undefined } };
    expect(() => buildMethodTable([s, s])).toThrow(expect.objectContaining({ code: 'METIS-108' }));
    expect(buildMethodTable([a, s]).methods.size).toBe(1);
  });
});

describe('encodeResponse', () => {
  it('writes bigints as hex and replaces unserializable results by an internal error', () => {
    expect(JSON.parse(encodeResponse({ jsonrpc: '2.0', id: 1, result: [1n, -16n] })).result).toEqual(['0x1', '-0x10']);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const out = JSON.parse(encodeResponse([{ jsonrpc: '2.0', id: 1, result: 'ok' }, { jsonrpc: '2.0', id: 2, result: cyclic }]));
    expect(out[0].result).toBe('ok');
    expect(out[1]).toMatchObject({ id: 2, error: { code: -32603 } });
  });
});
