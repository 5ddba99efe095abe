import type { Signer } from 'ethers';
import { toAddress } from '../validate.js';
import { DAC_ADDRESSES, dacInterface } from './contracts.js';
import { providerOf, toCid, toId } from './inputs.js';
import { toDacParams, type DacParams } from './params.js';
import { eventArgs, sendDacTx, type DacTxResult } from './send.js';

export interface CreateDacInput {
  /** Unique name (1..128 bytes, case-sensitive). */
  readonly name: string;
  /** IPFS CID of the charter (1..128 bytes). */
  readonly charterCid: string;
  /** Parameters; the fields not given come from DEFAULT_DAC_PARAMS. */
  readonly params?: Partial<DacParams>;
}

export interface CreateDacResult extends DacTxResult {
  readonly dacId: bigint;
  readonly params: DacParams;
}

/**
 * Creates a DAC: the signer is its founder, first member (role FOUNDER) with the initial reputation.
 * @returns the new DAC's id (from DacCreated) and the transaction
 * @throws SdkError INVALID_ARGUMENT (name, CID, params), NOT_FOUND (no dac() predeploys), TX_FAILED (NameTaken, ...)
 */
export async function createDac(signer: Signer, input: CreateDacInput): Promise<CreateDacResult> {
  providerOf(signer);
  const name = toCid(input?.name, 'name');
  const charterCid = toCid(input.charterCid, 'charterCid');
  const params = toDacParams(input.params ?? {});
  const iface = dacInterface('registry');
  const sent = await sendDacTx({ action: 'DacRegistry.createDac', iface, signer, to: DAC_ADDRESSES.registry, data: iface.encodeFunctionData('createDac', [name, charterCid, params]) });
  return { ...sent, dacId: eventArgs(sent.receipt, 'registry', 'DacCreated').getValue('dacId') as bigint, params };
}

/**
 * Invites `account` to DAC `dacId` (the signer: a member with role FOUNDER or INVITER). The invitee then joins
 * with {@link joinDac}.
 * @throws SdkError INVALID_ARGUMENT, NOT_FOUND, TX_FAILED (NotInviter, AlreadyMember, AlreadyInvited, UnknownDac)
 */
export async function inviteMember(signer: Signer, input: { readonly dacId: bigint; readonly account: string }): Promise<DacTxResult> {
  const dacId = toId(input?.dacId, 'dacId');
  const account = toAddress(input.account, 'account');
  const iface = dacInterface('registry');
  return sendDacTx({ action: 'DacRegistry.invite', iface, signer, to: DAC_ADDRESSES.registry, data: iface.encodeFunctionData('invite', [dacId, account]) });
}

/**
 * Joins DAC `dacId` as an invitee, with the DAC's initial reputation.
 * @throws SdkError INVALID_ARGUMENT, NOT_FOUND, TX_FAILED (NotInvited, UnknownDac)
 */
export async function joinDac(signer: Signer, input: { readonly dacId: bigint }): Promise<DacTxResult> {
  const dacId = toId(input?.dacId, 'dacId');
  const iface = dacInterface('registry');
  return sendDacTx({ action: 'DacRegistry.join', iface, signer, to: DAC_ADDRESSES.registry, data: iface.encodeFunctionData('join', [dacId]) });
}

/**
 * Leaves DAC `dacId`: membership, roles and reputation are dropped (bonds in flight stay where they are).
 * @throws SdkError INVALID_ARGUMENT, NOT_FOUND, TX_FAILED (NotMember, UnknownDac)
 */
export async function leaveDac(signer: Signer, input: { readonly dacId: bigint }): Promise<DacTxResult> {
  const dacId = toId(input?.dacId, 'dacId');
  const iface = dacInterface('registry');
  return sendDacTx({ action: 'DacRegistry.leave', iface, signer, to: DAC_ADDRESSES.registry, data: iface.encodeFunctionData('leave', [dacId]) });
}
