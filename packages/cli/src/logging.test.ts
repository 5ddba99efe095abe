import { describe, expect, it } from 'vitest';
import { cliLogger, isLogLevel } from './logging.js';

describe('cliLogger', () => {
  it('writes pretty lines synchronously, with the plugin as a prefix', () => {
    let out = '';
    const logger = cliLogger('info', { pretty: true, write: (t) => void (out += t) });
    logger.child({ plugin: 'evm' }).info({ block: 3 }, 'sealed block');
    logger.debug('hidden');
    expect(out).toMatch(/INFO.*\[evm\] sealed block/);
    expect(out).toMatch(/block.*3/);
    expect(out).not.toContain('hidden');
  });

  it('knows the log levels', () => {
    expect(isLogLevel('debug')).toBe(true);
    expect(isLogLevel('loud')).toBe(false);
  });
});
