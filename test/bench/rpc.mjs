// Plain-fetch JSON-RPC helpers for the benchmark: single calls, batches, raw-transaction bursts and
// receipt collection. No client library: the benchmark should measure the node, not the client.

/** Most requests in one HTTP batch (the Metis default limit, and what anvil handles comfortably). */
export const MAX_BATCH = 1000;

/** Splits an array into chunks of at most `size` elements. */
export function chunk(items, size) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const DEBUG = Boolean(process.env.BENCH_DEBUG);

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function post(url, body) {
  let res;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  } catch (e) {
    throw new Error(`POST ${url} failed: ${e?.cause?.message ?? e?.message ?? e}`, { cause: e });
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: HTTP ${res.status}: ${text.slice(0, 500)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`POST ${url}: response is not JSON: ${text.slice(0, 500)}`);
  }
}

/** One JSON-RPC call; throws on a JSON-RPC error. */
export async function call(url, method, params = []) {
  const body = await post(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
  if (body.error) throw new Error(`${method}: ${body.error.message} (code ${body.error.code})${body.error.data ? ` ${JSON.stringify(body.error.data)}` : ''}`);
  return body.result;
}

/**
 * One HTTP batch of `[method, params]` pairs (at most MAX_BATCH). Returns the responses in request order
 * ({ result } or { error }); throws if the batch as a whole is rejected or a response is missing.
 */
export async function batch(url, requests) {
  if (requests.length === 0) return [];
  if (requests.length > MAX_BATCH) throw new Error(`batch of ${requests.length} requests exceeds ${MAX_BATCH}`);
  const payload = requests.map(([method, params], id) => ({ jsonrpc: '2.0', id, method, params }));
  const body = await post(url, JSON.stringify(payload));
  if (!Array.isArray(body)) {
    const msg = body?.error ? `${body.error.message} (code ${body.error.code})` : JSON.stringify(body).slice(0, 500);
    throw new Error(`batch of ${requests.length} ${requests[0][0]} rejected: ${msg}`);
  }
  const byId = new Array(requests.length);
  for (const r of body) if (typeof r?.id === 'number' && r.id >= 0 && r.id < requests.length) byId[r.id] = r;
  for (let i = 0; i < requests.length; i++) {
    if (!byId[i]) throw new Error(`batch of ${requests.length} ${requests[0][0]}: no response for request ${i}`);
  }
  return byId;
}

/**
 * Sends signed transactions in HTTP batches of at most MAX_BATCH, with at most `inflight` batches awaiting
 * their answers at a time (1: each batch awaited before the next; the batches leave in order either way).
 * Every element must succeed and return the expected hash; otherwise this throws the first error and sends
 * no further batch. `txs` is an array of { raw, hash }.
 */
export async function sendRawBatches(url, txs, { inflight = 1 } = {}) {
  const parts = chunk(txs, MAX_BATCH);
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < parts.length && !failed) {
      const part = parts[next++];
      try {
        checkSent(part, await batch(url, part.map((tx) => ['eth_sendRawTransaction', [tx.raw]])));
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(inflight)) }, lane));
}

/** Throws unless every response of a raw-transaction batch is the expected hash. */
function checkSent(part, responses) {
  for (let i = 0; i < part.length; i++) {
    const r = responses[i];
    if (r.error) {
      const failed = responses.filter((x) => x.error).length;
      throw new Error(
        `eth_sendRawTransaction failed for ${part[i].hash} (${part[i].label ?? ''}): ${r.error.message} (code ${r.error.code})` +
          `${r.error.data ? ` data=${JSON.stringify(r.error.data)}` : ''}; ${failed} of ${part.length} in this batch failed`,
      );
    }
    if (typeof r.result !== 'string' || r.result.toLowerCase() !== part[i].hash) {
      throw new Error(`eth_sendRawTransaction returned ${JSON.stringify(r.result)}, expected ${part[i].hash}`);
    }
  }
}

/**
 * Waits until every hash has a receipt with status 0x1.
 * - With `mine` (anvil --no-mining): calls evm_mine, then polls; repeats while any is missing.
 * - Without: watches eth_blockNumber every `idleMs` and polls receipts only when the head moved (receipts
 *   only appear with a new block), or `refreshMs` after the last poll; this keeps the polling load on the
 *   node small while the node is busy building blocks. A poll at a new head that finds nothing new is
 *   retried on the next few ticks.
 * Polls the oldest pending hashes first, at most MAX_BATCH per request; when a chunk is complete, goes on
 * to the next chunk at once. Returns { receipts: Map(hash -> receipt), lastSeenAt (performance.now()),
 * polls, mined }. Throws on a failed receipt, a JSON-RPC error, the timeout, or a stall (no new receipt
 * for `stallMs`).
 */
export async function collectReceipts(url, hashes, { mine = false, timeoutMs = 600_000, stallMs = 120_000, idleMs = 20, refreshMs = 1_000 } = {}) {
  const receipts = new Map();
  let pending = [...hashes];
  let polls = 0;
  let mined = 0;
  let lastSeenAt = performance.now();
  const start = performance.now();
  let lastProgress = start;
  let polledHead = -1;
  let polledAt = -Infinity;
  let retries = 0;
  let retryNow = false;
  while (pending.length > 0) {
    let poll = true;
    let quick = false;
    if (mine) {
      await call(url, 'evm_mine', []);
      mined++;
    } else {
      const head = Number(await call(url, 'eth_blockNumber', []));
      if (head !== polledHead) {
        polledHead = head;
        retries = 5;
        quick = true;
      } else if (retryNow) quick = true;
      else poll = performance.now() - polledAt >= refreshMs;
    }
    if (poll) {
      polledAt = performance.now();
      const before = receipts.size;
      let foundAll = true;
      let offset = 0;
      const missing = [];
      while (offset < pending.length && foundAll) {
        const part = pending.slice(offset, offset + MAX_BATCH);
        offset += part.length;
        polls++;
        const responses = await batch(url, part.map((h) => ['eth_getTransactionReceipt', [h]]));
        const now = performance.now();
        for (let i = 0; i < part.length; i++) {
          const r = responses[i];
          if (r.error) throw new Error(`eth_getTransactionReceipt(${part[i]}): ${r.error.message} (code ${r.error.code})`);
          const receipt = r.result;
          if (!receipt) {
            foundAll = false;
            missing.push(part[i]);
            continue;
          }
          if (receipt.status !== '0x1') {
            throw new Error(`transaction ${part[i]} failed: receipt status ${receipt.status} in block ${Number(receipt.blockNumber)} (gasUsed ${Number(receipt.gasUsed)})`);
          }
          receipts.set(part[i], receipt);
          lastSeenAt = now;
          lastProgress = now;
        }
      }
      pending = missing.concat(pending.slice(offset));
      if (pending.length === 0) break;
      // The head moved but no receipt showed up (a block without ours, or receipts not served yet):
      // look again on the next tick, a few times, rather than only after refreshMs.
      if (DEBUG) process.stderr.write(`[receipts] t=${(performance.now() - start).toFixed(0)}ms head=${polledHead} quick=${quick} new=${receipts.size - before} total=${receipts.size}\n`);
      retryNow = quick && receipts.size === before && retries > 0;
      if (retryNow) retries--;
    }
    const now = performance.now();
    if (now - start > timeoutMs) {
      throw Object.assign(new Error(`timed out after ${((now - start) / 1000).toFixed(1)} s: ${receipts.size} of ${hashes.length} receipts arrived (first missing ${pending[0]})`), { receiptsArrived: receipts.size });
    }
    if (now - lastProgress > stallMs) {
      throw Object.assign(new Error(`stalled: no new receipt for ${(stallMs / 1000).toFixed(0)} s; ${receipts.size} of ${hashes.length} receipts arrived (first missing ${pending[0]})`), { receiptsArrived: receipts.size });
    }
    if (!mine) await sleep(idleMs);
  }
  return { receipts, lastSeenAt, polls, mined };
}
