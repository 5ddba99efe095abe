export { sequencer } from './plugin.js';
export { sequencerOptionsSchema, type SequencerOptions, type SequencerOptionsInput } from './options.js';
