import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataAvailability } from '@metis/core';
import { daConformanceSuite } from '@metis/testkit';
import { createIpfsDa, type IpfsNode } from './create.js';

// The persistent storage is one repo directory; each open() starts a new embedded Helia node on it, as a
// restarted Metis node would. No peers: a commitment nothing was published under waits fetchTimeoutMs.
let repo: string | undefined;
daConformanceSuite(
  'ipfs (helia)',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'metis-ipfs-conformance-'));
    repo = dir;
    const nodes = new Map<DataAvailability, IpfsNode>();
    return {
      async open() {
        const node = await createIpfsDa({ repo: dir, fetchTimeoutMs: 3_000 });
        nodes.set(node.da, node);
        return node.da;
      },
      async close(da) {
        await nodes.get(da)?.stop();
        nodes.delete(da);
      },
    };
  },
  async () => {
    if (repo) await rm(repo, { recursive: true, force: true });
  },
);
