import { describe, expect, it } from 'vitest';
import * as core from './index.js';

describe('@metis/core public API', () => {
  it('exports exactly this list (a change here is a change to the public API)', () => {
    expect(Object.keys(core).sort()).toMatchSnapshot();
  });
});
