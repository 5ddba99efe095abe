#!/usr/bin/env node
// `npm run bench:rangers`: the L1 gas of the rangers' contracts for committees of N = 4, 16, 64 rangers with equal
// stake. For each N, on a fresh anvil: deploy the L1 contracts (deployL1), register a chain, configure its rangers
// (ETH stake), register N rangers, append one batch, then measure (each from the same state, through EVM snapshots):
//   - RangerCertifier.submitCertificate with all N signatures, and with the minimum quorum ceil(2N/3);
//   - RangerDisputes.challenge, then resolve with a ceil(2N/3) vote agreeing with the header (the challenger was
//     wrong) and disagreeing (the proposer was wrong: batch removed, bond slashed).
// Figures are receipts' gasUsed (intrinsic and calldata gas included). Prints a table and writes
// bench-results-rangers.json at the repo root (BENCH_OUT to change it; BENCH_RANGERS="4,16" for other sizes).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonRpcProvider, NonceManager, Wallet, id, keccak256, parseEther, toBeHex, toUtf8Bytes } from 'ethers';
import { DEV_KEYS, deployL1, startAnvil } from '@metis/testkit';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = process.env.BENCH_OUT ?? join(ROOT, 'bench-results-rangers.json');
const SIZES = (process.env.BENCH_RANGERS ?? '4,16,64').split(',').map(Number);
const CHAIN = 901n;
const STAKE = parseEther('10');
const GAS_LIMIT = 15_000_000n;
const ZERO = `0x${'00'.repeat(32)}`;
const label = (s) => keccak256(toUtf8Bytes(s));
const log = (msg) => process.stderr.write(`[bench:rangers] ${msg}\n`);
const TYPES = {
  Attestation: [
    { name: 'chainId', type: 'uint256' },
    { name: 'batchIndex', type: 'uint64' },
    { name: 'prevStateRoot', type: 'bytes32' },
    { name: 'newStateRoot', type: 'bytes32' },
    { name: 'dataHash', type: 'bytes32' },
    { name: 'withdrawalRoot', type: 'bytes32' },
  ],
};

for (const n of SIZES) if (!(Number.isInteger(n) && n > 0)) throw new Error(`BENCH_RANGERS: not a positive integer: ${n}`);

/** Sends a transaction with a fixed gas limit and returns its successful receipt. */
async function send(what, txPromise) {
  const receipt = await (await txPromise).wait();
  if (!receipt || receipt.status !== 1) throw new Error(`${what} failed`);
  return receipt;
}

async function measure(n) {
  const anvil = await startAnvil();
  const provider = new JsonRpcProvider(anvil.url, undefined, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 50 });
  try {
    const admin = new NonceManager(new Wallet(DEV_KEYS[0], provider));
    const proposer = new Wallet(DEV_KEYS[1], provider);
    const challenger = new Wallet(DEV_KEYS[2], provider);
    const l1 = await deployL1(admin, { unbondingDelay: 7200 });
    const adminAddress = await admin.getAddress();
    const genesis = label('genesis');
    await send(
      'registerChain',
      l1.chainRegistry.registerChain(CHAIN, {
        owner: adminAddress,
        sequencer: adminAddress,
        proposer: proposer.address,
        challengeWindow: 3600,
        minBond: parseEther('1'),
        daKind: 1,
        genesisStateRoot: genesis,
        inclusionWindow: 100,
      }),
    );
    await send('deposit', l1.bondManager.connect(proposer).deposit(CHAIN, { value: parseEther('3') }));
    await send('configureChain', l1.rangerRegistry.configureChain(CHAIN, '0x0000000000000000000000000000000000000000', parseEther('1'), 7200));

    const signers = [];
    const registerGas = [];
    for (let i = 0; i < n; i++) {
      const operator = new Wallet(label(`bench-ranger-operator-${i}`), provider);
      const signer = new Wallet(label(`bench-ranger-signer-${i}`));
      await provider.send('anvil_setBalance', [operator.address, toBeHex(parseEther('100'))]);
      const r = await send(
        'register',
        l1.rangerRegistry.connect(operator).register(CHAIN, signer.address, `12D3KooW-bench-${i}`, STAKE, { value: STAKE, gasLimit: 1_000_000n }),
      );
      registerGas.push(r.gasUsed);
      signers.push(signer);
    }
    signers.sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
    await provider.send('evm_increaseTime', [10]);
    await provider.send('evm_mine', []);

    const h = {
      chainId: CHAIN,
      batchIndex: 0n,
      firstBlock: 1n,
      lastBlock: 10n,
      prevStateRoot: genesis,
      newStateRoot: label('root-0'),
      dataHash: label('data-0'),
      daCommitment: '0x01',
      withdrawalRoot: ZERO,
      depositCount: 0n,
    };
    const append = await send('appendBatch', l1.batchInbox.connect(proposer).appendBatch(h));
    const { chainId } = await provider.getNetwork();
    const domain = { name: 'Metis Rangers', version: '1', chainId, verifyingContract: l1.addresses.rangerRegistry };
    const attestation = (fields = {}) => ({
      chainId: h.chainId,
      batchIndex: h.batchIndex,
      prevStateRoot: h.prevStateRoot,
      newStateRoot: h.newStateRoot,
      dataHash: h.dataHash,
      withdrawalRoot: h.withdrawalRoot,
      ...fields,
    });
    const sign = (a, count) => Promise.all(signers.slice(0, count).map((s) => s.signTypedData(domain, TYPES, a)));
    const quorum = Math.ceil((2 * n) / 3);

    /** Runs `fn` from the current state, then rewinds. */
    const isolated = async (fn) => {
      const snap = await provider.send('evm_snapshot', []);
      try {
        return await fn();
      } finally {
        await provider.send('evm_revert', [snap]);
        admin.reset(); // the rewound transactions' nonces are free again
      }
    };
    const certificate = (count) =>
      isolated(async () => {
        const sigs = await sign(attestation(), count);
        const r = await send('submitCertificate', l1.rangerCertifier.submitCertificate(h, sigs, { gasLimit: GAS_LIMIT }));
        if (!(await l1.batchInbox.isFinalized(CHAIN, 0))) throw new Error('the certificate did not finalize the batch');
        return r.gasUsed;
      });
    const dispute = (fields) =>
      isolated(async () => {
        const c = await send('challenge', l1.rangerDisputes.connect(challenger).challenge(h, { value: parseEther('0.1'), gasLimit: 1_000_000n }));
        const a = attestation(fields);
        const r = await send('resolve', l1.rangerDisputes.resolve(h, a, await sign(a, quorum), { gasLimit: GAS_LIMIT }));
        return { challenge: c.gasUsed, resolve: r.gasUsed };
      });

    const all = await certificate(n);
    const min = await certificate(quorum);
    const upheld = await dispute({});
    const rejected = await dispute({ newStateRoot: label('another root') });
    return {
      rangers: n,
      quorumSignatures: quorum,
      appendBatch: Number(append.gasUsed),
      register: { first: Number(registerGas[0]), last: Number(registerGas.at(-1)) },
      submitCertificate: {
        allSignatures: Number(all),
        minimumQuorum: Number(min),
        perExtraSignature: n > quorum ? Math.round(Number(all - min) / (n - quorum)) : null,
      },
      challenge: Number(upheld.challenge),
      resolve: { quorumAgreesWithHeader: Number(upheld.resolve), quorumRejectsHeader: Number(rejected.resolve) },
    };
  } finally {
    provider.destroy();
    await anvil.stop();
  }
}

const results = [];
for (const n of SIZES) {
  log(`N = ${n}: deploying, registering ${n} rangers, measuring`);
  results.push(await measure(n));
}

const pad = (v, w) => String(v).padStart(w);
console.log('\nRangers: L1 gas (receipt gasUsed, equal stakes; quorum = ceil(2N/3) signatures)');
console.log(
  `${pad('N', 4)} ${pad('quorum', 7)} ${pad('certificate all N', 18)} ${pad('certificate quorum', 19)} ${pad('per extra sig', 14)} ${pad('challenge', 10)} ${pad('resolve (valid)', 16)} ${pad('resolve (fraud)', 16)}`,
);
for (const r of results) {
  console.log(
    `${pad(r.rangers, 4)} ${pad(r.quorumSignatures, 7)} ${pad(r.submitCertificate.allSignatures, 18)} ${pad(r.submitCertificate.minimumQuorum, 19)} ${pad(r.submitCertificate.perExtraSignature ?? '-', 14)} ${pad(r.challenge, 10)} ${pad(r.resolve.quorumAgreesWithHeader, 16)} ${pad(r.resolve.quorumRejectsHeader, 16)}`,
  );
}
writeFileSync(OUT, `${JSON.stringify({ startedAt: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
log(`wrote ${OUT}`);
