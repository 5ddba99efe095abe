import { describe, expect, it } from 'vitest';
import { MetisError } from '../errors/metis-error.js';
import { definePlugin } from '../plugins/define-plugin.js';
import { NODE_ROLES } from './schema.js';
import { configIssues, validateConfig } from './validate-config.js';

const bare = definePlugin({ id: 'bare', setup: () => undefined });

function issues(input: unknown): { path: string; message: string }[] {
  try {
    validateConfig(input);
  } catch (e) {
    expect((e as MetisError).is('CONFIG_INVALID')).toBe(true);
    return configIssues(e as MetisError);
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('node role', () => {
  it('is a sequencer by default, with no sequencer URL', () => {
    const config = validateConfig({ chainId: 1, plugins: [bare()] });
    expect(config.role).toBe('sequencer');
    expect(config.sequencerRpc).toBeUndefined();
    expect(NODE_ROLES).toEqual(['sequencer', 'replica']);
  });

  it('takes replica with an http(s) sequencer URL', () => {
    for (const url of ['http://127.0.0.1:8545', 'https://rpc.example.org/l2']) {
      const config = validateConfig({ chainId: 1, role: 'replica', sequencerRpc: url, plugins: [bare()] });
      expect(config).toMatchObject({ role: 'replica', sequencerRpc: url });
    }
    // A sequencer may carry the field (it ignores it): one config, the role switched on the command line.
    expect(validateConfig({ chainId: 1, role: 'sequencer', sequencerRpc: 'http://a:1', plugins: [] }).role).toBe('sequencer');
  });

  it('refuses an unknown role and a URL that is not http(s), each with its path', () => {
    const found = issues({ chainId: 1, role: 'observer', sequencerRpc: 'ws://127.0.0.1:8545', plugins: [] });
    expect(found.map((i) => i.path).sort()).toEqual(['role', 'sequencerRpc']);
    expect(issues({ chainId: 1, sequencerRpc: 'not a url', plugins: [] }).map((i) => i.path)).toEqual(['sequencerRpc']);
    expect(issues({ chainId: 1, role: 'replica', sequencerRpc: '', plugins: [] }).map((i) => i.path)).toEqual(['sequencerRpc']);
  });
});
