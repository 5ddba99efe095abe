import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hex } from '@metis/core';
import type { BatchVerdict } from '@metis/l1';
import { rangerDomain, recoverSigner, type SignedAttestation } from '../attestation/index.js';
import { Attester } from './attester.js';
import { SignedLog } from './signed-log.js';

const root = (b: number): Hex => `0x${b.toString(16).padStart(2, '0').repeat(32)}` as Hex;
const domain = rangerDomain(31337n, '0x5FbDB2315678afecb367f032d93F642f64180aa3');
const wallet = new Wallet(`0x${'42'.repeat(32)}`);
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as never;

function verdict(index: bigint, computed: number, posted = computed): BatchVerdict {
  const batch = {
    chainId: 901n, batchIndex: index, firstBlock: 1n, lastBlock: 2n, prevStateRoot: root(1), newStateRoot: root(posted), dataHash: root(2), daCommitment: '0x01' as Hex,
    withdrawalRoot: root(0), depositCount: 0n, headerHash: root(3), l1Block: 5,
  };
  return { batch, computed: { stateRoot: root(computed), withdrawalRoot: root(0) }, agrees: computed === posted };
}

describe('slashing protection and the attester', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  const tmp = async (): Promise<string> => {
    const d = await mkdtemp(join(tmpdir(), 'metis-signed-log-'));
    dirs.push(d);
    return d;
  };

  it('signs what re-execution gave, records it on disk before publishing, and never signs another output for that input, even after a restart', async () => {
    const file = join(await tmp(), 'signed.jsonl');
    const published: SignedAttestation[] = [];
    const make = async () =>
      new Attester({ l2ChainId: 901n, domain, signer: wallet, log: await SignedLog.open(file), gossip: { publish: async (s) => published.push(s) }, logger: silent, isFinal: () => false });

    const a = await make();
    const signed = await a.attest(verdict(4n, 9, 8));
    expect(signed!.attestation).toMatchObject({ chainId: 901n, batchIndex: 4n, newStateRoot: root(9), prevStateRoot: root(1), dataHash: root(2) });
    expect(recoverSigner(domain, signed!.attestation, signed!.signature)).toBe(wallet.address.toLowerCase());
    expect(published).toHaveLength(1);
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(1);

    // Restarted: the same input with another output is refused; the same output gets the same signature.
    const b = await make();
    expect(await b.attest(verdict(4n, 7))).toBeUndefined();
    expect(published).toHaveLength(1);
    const again = await b.attest(verdict(4n, 9, 8));
    expect(again!.signature).toBe(signed!.signature);
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(1);
    const log = await SignedLog.open(file);
    expect(log.check({ ...signed!.attestation, newStateRoot: root(7) })).toBe(false);
    await expect(log.record({ attestation: { ...signed!.attestation, newStateRoot: root(7) }, signature: signed!.signature })).rejects.toThrow(/second output/);

    // republish sends what is not final yet, and drops what is.
    published.length = 0;
    b.republish();
    await new Promise((r) => setTimeout(r, 10));
    expect(published).toHaveLength(1);
  });

  it('reads back a log whose last line was torn by a crash, keeping every complete entry', async () => {
    const file = join(await tmp(), 'signed.jsonl');
    const log = await SignedLog.open(file);
    const a = new Attester({ l2ChainId: 901n, domain, signer: wallet, log, gossip: { publish: async () => undefined }, logger: silent, isFinal: () => false });
    await a.attest(verdict(1n, 5));
    await a.attest(verdict(2n, 6));
    await appendFile(file, '{"chainId":"901","batchIndex":"3","prevSt');
    const reopened = await SignedLog.open(file);
    expect(reopened.all().map((s) => s.attestation.batchIndex)).toEqual([1n, 2n]);
    expect(reopened.check({ ...reopened.all()[0]!.attestation, newStateRoot: root(1) })).toBe(false);
  });
});
