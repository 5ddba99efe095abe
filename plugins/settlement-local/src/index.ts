export { localSettlement } from './plugin.js';
export {
  localSettlementOptionsSchema,
  type LocalSettlementOptions,
  type LocalSettlementOptionsInput,
} from './options.js';
