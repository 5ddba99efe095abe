import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const FORBIDDEN = /^(@ethereumjs\/|ethers$|viem$|libp2p$|@libp2p\/|helia$|@helia\/|kubo-rpc-client$)/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('@metis/core stays free of chain, VM and network libraries', () => {
  it('declares none of them as dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies });
    expect(deps.filter((d) => FORBIDDEN.test(d))).toEqual([]);
  });

  it('imports none of them', () => {
    const offenders = sources(join(root, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!).filter((spec) => FORBIDDEN.test(spec)).map((spec) => `${file}: ${spec}`),
    );
    expect(offenders).toEqual([]);
  });
});
