import { parseEther, type Result } from 'ethers';
import { formatAmount, parseAmount } from '../amounts.js';
import { invalidArgument } from '../errors.js';

/**
 * A DAC's parameters (DacParams in IDacTypes.sol), changed only by the DAC's own proposals (`dacActions.setParams`).
 * Amounts in base units (wei, or token units for a token bond), times in seconds.
 */
export interface DacParams {
  /** Minimum commitment bond; a challenge matches the commitment's bond. */
  readonly bondSize: bigint;
  /** Reputation of the founder at creation and of every member who joins. */
  readonly initialReputation: bigint;
  /** Reputation won by a kept commitment or a won challenge, lost by a default or a lost challenge. */
  readonly reputationStep: bigint;
  /** Seconds after a delivery during which a member may challenge. */
  readonly challengeWindow: bigint;
  /** Seconds of voting on a challenged commitment and on a proposal. */
  readonly voteWindow: bigint;
  /** Seconds after a proposal's vote end before it can be executed. */
  readonly executionDelay: bigint;
  /** Share of the total reputation that must vote on a proposal, in basis points (0..10000). */
  readonly quorumBps: bigint;
}

/** The parameter names, in the order of the Solidity struct. */
export const DAC_PARAM_KEYS = ['bondSize', 'initialReputation', 'reputationStep', 'challengeWindow', 'voteWindow', 'executionDelay', 'quorumBps'] as const;

/** The ABI type of DacParams (for action data). */
export const DAC_PARAMS_TUPLE =
  'tuple(uint256 bondSize,uint256 initialReputation,uint256 reputationStep,uint64 challengeWindow,uint64 voteWindow,uint64 executionDelay,uint16 quorumBps)';

const DAY = 86_400n;

/** Sensible parameters for a live chain: bond 0.1 ETH, reputation 100 (step 10), 1 day to challenge, 2 days to vote, 1 day of delay, quorum 20%. */
export const DEFAULT_DAC_PARAMS: DacParams = Object.freeze({
  bondSize: parseEther('0.1'),
  initialReputation: 100n,
  reputationStep: 10n,
  challengeWindow: DAY,
  voteWindow: 2n * DAY,
  executionDelay: DAY,
  quorumBps: 2000n,
});

const UINT64_MAX = 2n ** 64n - 1n;
/** DacRegistry refuses reputations above type(uint208).max / 1e6. */
const REPUTATION_MAX = (2n ** 208n - 1n) / 1_000_000n;

/**
 * Validates parameters exactly as DacRegistry does (so nothing is sent that would revert InvalidParams), with
 * defaults from `base` for the fields not given.
 * @throws SdkError INVALID_ARGUMENT naming the field
 */
export function toDacParams(input: Partial<DacParams> = {}, base: DacParams = DEFAULT_DAC_PARAMS): DacParams {
  const p = { ...base, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as Record<string, unknown>;
  const field = (key: (typeof DAC_PARAM_KEYS)[number], min: bigint, max: bigint): bigint => {
    const v = p[key];
    if (typeof v !== 'bigint') throw invalidArgument(`params.${key} must be a bigint, got ${typeof v}`);
    if (v < min || v > max) throw invalidArgument(`params.${key} must be from ${min} to ${max}, got ${v}`);
    return v;
  };
  return {
    bondSize: field('bondSize', 1n, 2n ** 256n - 1n),
    initialReputation: field('initialReputation', 1n, REPUTATION_MAX),
    reputationStep: field('reputationStep', 0n, REPUTATION_MAX),
    challengeWindow: field('challengeWindow', 1n, UINT64_MAX),
    voteWindow: field('voteWindow', 1n, UINT64_MAX),
    executionDelay: field('executionDelay', 0n, UINT64_MAX),
    quorumBps: field('quorumBps', 0n, 10_000n),
  };
}

/** DacParams as returned by the contracts (an ethers Result or a struct-like object). */
export function paramsFromResult(r: Result | Record<string, unknown>): DacParams {
  const get = (key: string, index: number): bigint => BigInt((r as Record<string, unknown>)[key] as bigint ?? (r as unknown as unknown[])[index]);
  return {
    bondSize: get('bondSize', 0),
    initialReputation: get('initialReputation', 1),
    reputationStep: get('reputationStep', 2),
    challengeWindow: get('challengeWindow', 3),
    voteWindow: get('voteWindow', 4),
    executionDelay: get('executionDelay', 5),
    quorumBps: get('quorumBps', 6),
  };
}

const UNITS: Record<string, bigint> = { s: 1n, m: 60n, h: 3600n, d: DAY, w: 7n * DAY };

/**
 * Seconds from a duration: plain seconds ("3600") or units s/m/h/d/w, combinable ("1d", "2h30m", "90s").
 * @throws SdkError INVALID_ARGUMENT
 */
export function parseDuration(text: string): bigint {
  const t = String(text).trim().toLowerCase();
  if (/^\d+$/.test(t)) return BigInt(t);
  if (!/^(\d+[smhdw])+$/.test(t)) throw invalidArgument(`invalid duration "${text}": expected seconds or units such as 90s, 30m, 12h, 1d, 2w, 1d12h`);
  let total = 0n;
  for (const [, n, u] of t.matchAll(/(\d+)([smhdw])/g)) total += BigInt(n!) * UNITS[u!]!;
  return total;
}

/** A duration in the largest exact units: 86400n → "1d", 5400n → "1h30m", 0n → "0s". */
export function formatDuration(seconds: bigint): string {
  if (seconds <= 0n) return `${seconds}s`;
  let rest = seconds;
  let out = '';
  for (const [u, size] of [['w', 7n * DAY], ['d', DAY], ['h', 3600n], ['m', 60n], ['s', 1n]] as const) {
    if (rest >= size) {
      out += `${rest / size}${u}`;
      rest %= size;
    }
  }
  return out;
}

/** Parameters as text, e.g. from command-line options: amounts as decimals, times as durations. */
export type DacParamsText = Partial<Record<(typeof DAC_PARAM_KEYS)[number], string>>;

/**
 * Parses parameters given as text over `base`: `bondSize` a decimal in whole units of `bondDecimals` ("0.1"),
 * `challengeWindow`/`voteWindow`/`executionDelay` durations ("1d", "3600"), `quorumBps` an integer or a
 * percentage ("20%" = 2000), the reputations integers. Then validated with {@link toDacParams}.
 * @throws SdkError INVALID_ARGUMENT
 */
export function parseDacParams(text: DacParamsText, base: DacParams = DEFAULT_DAC_PARAMS, bondDecimals = 18): DacParams {
  const int = (key: string, v: string): bigint => {
    if (!/^\d+$/.test(v.trim())) throw invalidArgument(`params.${key} must be a non-negative integer, got "${v}"`);
    return BigInt(v.trim());
  };
  const out: Record<string, bigint> = {};
  for (const [key, v] of Object.entries(text)) {
    if (v === undefined) continue;
    if (key === 'bondSize') out[key] = parseAmount(v, bondDecimals);
    else if (key === 'challengeWindow' || key === 'voteWindow' || key === 'executionDelay') out[key] = parseDuration(v);
    else if (key === 'quorumBps') {
      const pct = /^(\d+(?:\.\d{1,2})?)%$/.exec(v.trim());
      out[key] = pct ? parseAmount(pct[1]!, 2) : int(key, v);
    } else if (key === 'initialReputation' || key === 'reputationStep') out[key] = int(key, v);
    else throw invalidArgument(`unknown DAC parameter "${key}" (known: ${DAC_PARAM_KEYS.join(', ')})`);
  }
  return toDacParams(out as Partial<DacParams>, base);
}

/** Parameters for people: bond as a decimal, times as durations, quorum as a percentage. */
export function formatDacParams(p: DacParams, bondDecimals = 18): Record<(typeof DAC_PARAM_KEYS)[number], string> {
  return {
    bondSize: formatAmount(p.bondSize, bondDecimals),
    initialReputation: p.initialReputation.toString(),
    reputationStep: p.reputationStep.toString(),
    challengeWindow: formatDuration(p.challengeWindow),
    voteWindow: formatDuration(p.voteWindow),
    executionDelay: formatDuration(p.executionDelay),
    quorumBps: `${formatAmount(p.quorumBps, 2)}%`,
  };
}
