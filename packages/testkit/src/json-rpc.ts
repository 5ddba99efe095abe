/** A raw JSON-RPC request (single or batch); returns the HTTP status and the parsed body. */
export async function rpc(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Calls a method; a JSON-RPC error becomes a thrown Error with the error object as `rpc`. */
export async function call(url: string, method: string, params: unknown[] = []): Promise<any> {
  const { body } = await rpc(url, { jsonrpc: '2.0', id: 1, method, params });
  if (body.error) throw Object.assign(new Error(body.error.message), { rpc: body.error });
  return body.result;
}

/** The JSON-RPC error of a call that must fail (throws if it succeeds). */
export async function callError(url: string, method: string, params: unknown[] = []): Promise<{ code: number; message: string; data?: any }> {
  const { body } = await rpc(url, { jsonrpc: '2.0', id: 1, method, params });
  if (!body.error) throw new Error(`${method} succeeded but should have failed: ${JSON.stringify(body.result)}`);
  return body.error;
}

/** Polls eth_getTransactionReceipt until the receipt exists, or throws after the timeout. */
export async function waitForReceipt(url: string, hash: string, timeoutMs = 30_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const receipt = await call(url, 'eth_getTransactionReceipt', [hash]);
    if (receipt) return receipt;
    if (Date.now() > deadline) throw new Error(`no receipt for ${hash} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
