import { Contract, type Provider } from 'ethers';
import { revertDataOf, rpcErrorMessage } from '@metis/l1';
import { SdkError, isSdkError } from '../errors.js';
import { DAC_ADDRESSES, dacInterface, missingPredeployMessage, type DacContractKey } from './contracts.js';
import { describeDacFailure } from './send.js';

/** Reverts of a view that mean "no such thing". */
const NOT_FOUND = new Set(['UnknownDac', 'UnknownProposal', 'WrongStatus', 'ERC721NonexistentToken', 'NoDacToken']);

/**
 * Calls view `fn` of DAC contract `key`.
 * @throws SdkError NOT_FOUND (a missing predeploy, an unknown DAC/commitment/proposal), INVALID_ARGUMENT (another
 *         revert, decoded), UNREACHABLE (the node did not answer)
 */
export async function readDac<T = unknown>(provider: Provider, key: DacContractKey, fn: string, args: readonly unknown[] = []): Promise<T> {
  const contract = new Contract(DAC_ADDRESSES[key], dacInterface(key), provider);
  try {
    return (await contract.getFunction(fn).staticCall(...args)) as T;
  } catch (e) {
    throw await readFailure(provider, DAC_ADDRESSES[key], e, `${key}.${fn}`);
  }
}

/** The SdkError for a failed read at `address`. */
export async function readFailure(provider: Provider, address: string, e: unknown, what: string): Promise<SdkError> {
  if (isSdkError(e)) return e;
  if (revertDataOf(e)) {
    const { reason, revert } = describeDacFailure(e, dacInterface('registry'));
    return new SdkError(revert?.name && NOT_FOUND.has(revert.name) ? 'NOT_FOUND' : 'INVALID_ARGUMENT', `${what}: ${reason}`, { cause: e });
  }
  let code: string | undefined;
  try {
    code = await provider.getCode(address);
  } catch {
    return new SdkError('UNREACHABLE', `${what}: ${rpcErrorMessage(e)}`, { cause: e });
  }
  if (code === '0x') return new SdkError('NOT_FOUND', missingPredeployMessage(address) ?? `no contract at ${address}`, { cause: e });
  return new SdkError('UNREACHABLE', `${what}: ${rpcErrorMessage(e)}`, { cause: e });
}
