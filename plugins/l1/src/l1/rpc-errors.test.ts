import { makeError } from 'ethers';
import { describe, expect, it } from 'vitest';
import { classifyRpcError, innerRpcError, isTransientRpcError, revertDataOf, rpcErrorMessage } from './rpc-errors.js';

/** An error shaped as ethers v6 builds it from a JSON-RPC error answer. */
const ethersRpc = (code: number, message: string, data?: string) => makeError('could not coalesce error', 'UNKNOWN_ERROR', { error: { code, message, data }, payload: {} } as never);
const callException = (code: number, message: string, data?: string) =>
  Object.assign(makeError('missing revert data', 'CALL_EXCEPTION', { data: data ?? null } as never), { info: { error: { code, message, data } } });

describe('classifyRpcError', () => {
  it('calls network, HTTP and overload failures transient', () => {
    expect(classifyRpcError(makeError('request timeout', 'TIMEOUT'))).toBe('transient');
    expect(classifyRpcError(makeError('server response 500', 'SERVER_ERROR', { info: { responseStatus: '500 Internal Server Error' } } as never))).toBe('transient');
    expect(classifyRpcError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('transient');
    expect(classifyRpcError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe('transient');
    expect(classifyRpcError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } }))).toBe('transient');
    expect(classifyRpcError(ethersRpc(-32000, 'header not found'))).toBe('transient');
    expect(classifyRpcError(ethersRpc(-32005, 'limit exceeded'))).toBe('transient');
    expect(classifyRpcError(ethersRpc(-32603, 'something odd'))).toBe('transient');
    expect(classifyRpcError({ code: 429, message: 'Too Many Requests' })).toBe('transient');
  });

  it('sees through a CALL_EXCEPTION that wraps a node failure (ethers does that for eth_call/estimateGas)', () => {
    expect(classifyRpcError(callException(-32000, 'header not found'))).toBe('transient');
    expect(classifyRpcError(callException(3, 'execution reverted', '0x08c379a0'))).toBe('revert');
    expect(classifyRpcError(callException(-32000, 'execution reverted'))).toBe('revert');
    expect(classifyRpcError(makeError('transaction execution reverted', 'CALL_EXCEPTION', {} as never))).toBe('revert');
  });

  it('names the transaction-pool answers', () => {
    expect(classifyRpcError(ethersRpc(-32003, 'transaction already imported'))).toBe('known');
    expect(classifyRpcError(ethersRpc(-32000, 'already known'))).toBe('known');
    expect(classifyRpcError(ethersRpc(-32003, 'nonce too low'))).toBe('nonce');
    expect(classifyRpcError(makeError('nonce has already been used', 'NONCE_EXPIRED', { info: { error: { code: -32003, message: 'nonce too low' } } } as never))).toBe('nonce');
    expect(classifyRpcError(ethersRpc(-32000, 'replacement transaction underpriced'))).toBe('underpriced');
    expect(classifyRpcError(ethersRpc(-32003, 'max fee per gas less than block base fee'))).toBe('underpriced');
  });

  it('calls everything else fatal', () => {
    expect(classifyRpcError(ethersRpc(-32000, 'insufficient funds for gas * price + value'))).toBe('fatal');
    expect(classifyRpcError(ethersRpc(-32601, 'the method foo does not exist'))).toBe('fatal');
    expect(classifyRpcError(new Error('boom'))).toBe('fatal');
    expect(classifyRpcError(undefined)).toBe('fatal');
    expect(isTransientRpcError(new Error('boom'))).toBe(false);
  });

  it('finds the node message and revert data', () => {
    expect(innerRpcError(ethersRpc(-32000, 'header not found'))).toMatchObject({ code: -32000 });
    expect(rpcErrorMessage(ethersRpc(-32000, 'header not found'))).toBe('header not found');
    expect(rpcErrorMessage(new Error('plain'))).toBe('plain');
    expect(revertDataOf(callException(3, 'execution reverted', '0x12345678'))).toBe('0x12345678');
    expect(revertDataOf({ info: { error: { code: 3, message: 'x', data: { data: '0xabcd' } } } })).toBe('0xabcd');
    expect(revertDataOf(new Error('x'))).toBeUndefined();
  });
});
