import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Hex } from '@metis/core';
import { normalizeAttestation, sameOutput, type Attestation, type SignedAttestation } from '../attestation/index.js';

/** Entries kept when the log is compacted at open (the newest batches). */
const KEEP = 10_000;

const inputKey = (a: Attestation): string => `${a.batchIndex}:${a.prevStateRoot}:${a.dataHash}`;

interface Line {
  chainId: string;
  batchIndex: string;
  prevStateRoot: Hex;
  newStateRoot: Hex;
  dataHash: Hex;
  withdrawalRoot: Hex;
  signature: Hex;
}

/**
 * Slashing protection: every attestation this ranger signed, on disk before it leaves the node. A ranger never
 * signs a second output for an input it already attested (that is equivocation, and costs its whole stake),
 * also across restarts: `check` refuses, and an input attested before gets the same signature back.
 * One JSON line per attestation, appended and flushed to disk (fdatasync) before `record` resolves; a torn
 * last line (a crash mid-write) is ignored when the log is read back.
 */
export class SignedLog {
  private readonly byInput = new Map<string, SignedAttestation>();

  private constructor(private readonly file: string) {}

  static async open(file: string): Promise<SignedLog> {
    const log = new SignedLog(file);
    await mkdir(dirname(file), { recursive: true });
    const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? '' : Promise.reject(e)));
    const entries: SignedAttestation[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const l = JSON.parse(line) as Line;
        const attestation = normalizeAttestation({ ...l, chainId: BigInt(l.chainId), batchIndex: BigInt(l.batchIndex) });
        entries.push({ attestation, signature: l.signature });
      } catch {
        // a torn write at the end of the file
      }
    }
    const kept = entries.slice(-KEEP);
    for (const e of kept) log.byInput.set(inputKey(e.attestation), e);
    if (kept.length < entries.length) {
      const tmp = `${file}.tmp`;
      await writeFile(tmp, kept.map((e) => `${JSON.stringify(lineOf(e))}\n`).join(''));
      await rename(tmp, file);
    }
    return log;
  }

  /** What was signed before for this attestation's input: undefined (never), or the earlier signed attestation. */
  previous(att: Attestation): SignedAttestation | undefined {
    return this.byInput.get(inputKey(att));
  }

  /** True when signing `att` would not equivocate (no earlier attestation of its input, or the same output). */
  check(att: Attestation): boolean {
    const prior = this.previous(att);
    return !prior || sameOutput(prior.attestation, att);
  }

  /** Records a signed attestation durably (appended, then fdatasync). Refuses an equivocation. */
  async record(signed: SignedAttestation): Promise<void> {
    if (!this.check(signed.attestation)) throw new Error(`refusing to record a second output for batch ${signed.attestation.batchIndex}`);
    if (this.previous(signed.attestation)) return;
    const handle = await open(this.file, 'a');
    try {
      await handle.write(`${JSON.stringify(lineOf(signed))}\n`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    this.byInput.set(inputKey(signed.attestation), signed);
  }

  /** Every signed attestation remembered, oldest first. */
  all(): SignedAttestation[] {
    return [...this.byInput.values()];
  }
}

function lineOf({ attestation: a, signature }: SignedAttestation): Line {
  return { chainId: a.chainId.toString(), batchIndex: a.batchIndex.toString(), prevStateRoot: a.prevStateRoot, newStateRoot: a.newStateRoot, dataHash: a.dataHash, withdrawalRoot: a.withdrawalRoot, signature };
}
