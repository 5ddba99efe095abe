import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryBlockstore } from 'blockstore-core';
import { MemoryDatastore } from 'datastore-core';
import { createHeliaLight, type Helia } from 'helia';
import { importBytes } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { CID } from 'multiformats/cid';

/** One request the double received. */
export interface KuboRequest {
  readonly method: string;
  /** The command, e.g. `add`, `block/get`. */
  readonly command: string;
  readonly params: Record<string, string[]>;
}

export interface KuboDouble {
  /** The RPC API URL (`http://127.0.0.1:<port>`). */
  readonly url: string;
  /** Requests in arrival order. */
  readonly requests: KuboRequest[];
  /** The in-process Helia node that stores the blocks. */
  readonly helia: Helia;
  /** From now on `block/get` of `cid` answers `bytes` (a daemon with a corrupt repo, or a lying proxy). */
  tamper(cid: CID, bytes: Uint8Array): void;
  /** Pinned roots. */
  pinned(): Promise<string[]>;
  stop(): Promise<void>;
}

const kuboError = (res: ServerResponse, status: number, message: string): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ Message: message, Code: 0, Type: 'error' }));
};

async function body(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of req) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

/** The content of the single file part of a multipart/form-data body. */
function multipartFile(contentType: string, raw: Buffer): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) throw new Error('no multipart boundary');
  const delimiter = `--${boundary[1] ?? boundary[2]}`;
  const start = raw.indexOf(delimiter);
  const headersEnd = raw.indexOf('\r\n\r\n', start);
  const end = raw.indexOf(`\r\n${delimiter}`, headersEnd);
  if (start < 0 || headersEnd < 0 || end < 0) throw new Error('malformed multipart body');
  return raw.subarray(headersEnd + 4, end);
}

/**
 * A stand-in for a Kubo daemon's RPC API on 127.0.0.1 (no Kubo binary can be installed here), answering
 * the commands the Kubo backend uses with the shapes the real API documents: `add` (multipart upload,
 * `cid-version`, `raw-leaves`, `chunker=size-N`, `pin`; NDJSON `{Name, Hash, Size}`), `block/get` (raw bytes;
 * a block it does not have is waited for until the client gives up, as a daemon searching the network
 * does), `pin/add` and `pin/rm` (`{Pins: [...]}`; errors as `{Message, Code, Type: 'error'}` with status 500).
 * Blocks live in a real in-process Helia blockstore, imported with the parameters the request names (Kubo's
 * defaults otherwise: CIDv0, no raw leaves, 256 KiB chunks), so wrong parameters give a different CID.
 */
export async function startKuboDouble(): Promise<KuboDouble> {
  const helia = createHeliaLight({ blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() });
  await helia.start();
  const requests: KuboRequest[] = [];
  const tampered = new Map<string, Uint8Array>();
  const waiting = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith('/api/v0/')) return kuboError(res, 404, '404 page not found');
    const command = url.pathname.slice('/api/v0/'.length);
    const params: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) (params[k] ??= []).push(v);
    requests.push({ method: req.method ?? '', command, params });
    if (req.method !== 'POST') return kuboError(res, 405, `${req.method} not allowed`);
    const one = (name: string): string | undefined => params[name]?.[0];
    const arg = (): CID => CID.parse(one('arg') ?? '');

    switch (command) {
      case 'add': {
        const file = multipartFile(req.headers['content-type'] ?? '', await body(req));
        const chunker = /^size-(\d+)$/.exec(one('chunker') ?? 'size-262144');
        if (!chunker) return kuboError(res, 500, `unrecognized chunker option: ${one('chunker')}`);
        const { cid } = await importBytes(file, helia.blockstore, {
          cidVersion: one('cid-version') === '1' ? 1 : 0,
          rawLeaves: one('raw-leaves') === 'true',
          chunker: fixedSize({ chunkSize: Number(chunker[1]) }),
        });
        if (one('pin') !== 'false' && !(await helia.pins.isPinned(cid))) for await (const _ of helia.pins.add(cid)) void _;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify({ Name: cid.toString(), Hash: cid.toString(), Size: String(file.length) })}\n`);
        return;
      }
      case 'block/get': {
        const cid = arg();
        const fake = tampered.get(cid.toString());
        if (fake) {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(Buffer.from(fake));
          return;
        }
        if (!(await helia.blockstore.has(cid))) {
          // Kubo keeps looking on the network until the request is cancelled or times out.
          waiting.add(res);
          req.on('close', () => waiting.delete(res));
          return;
        }
        const parts: Uint8Array[] = [];
        for await (const p of helia.blockstore.get(cid, { offline: true })) parts.push(p);
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(Buffer.concat(parts));
        return;
      }
      case 'pin/add': {
        const cid = arg();
        if (!(await helia.pins.isPinned(cid))) for await (const _ of helia.pins.add(cid)) void _;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify({ Pins: [cid.toString()] })}\n`);
        return;
      }
      case 'pin/rm': {
        const cid = arg();
        if (!(await helia.pins.isPinned(cid))) return kuboError(res, 500, 'not pinned or pinned indirectly');
        for await (const _ of helia.pins.rm(cid)) void _;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify({ Pins: [cid.toString()] })}\n`);
        return;
      }
      default:
        return kuboError(res, 404, `unknown command "${command}"`);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) kuboError(res, 500, (e as Error).message);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    helia,
    tamper(cid, bytes) {
      tampered.set(cid.toString(), bytes);
    },
    async pinned() {
      const out: string[] = [];
      for await (const pin of helia.pins.ls()) out.push(pin.cid.toString());
      return out;
    },
    async stop() {
      for (const res of waiting) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await helia.stop();
    },
  };
}
