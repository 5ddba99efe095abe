/**
 * @metis/token: DAC tokens on a Metis chain. `token()` (with `dac()`) places the DacTokenFactory predeploy in the
 * genesis, answers `metis_dacTokenInfo` and adds the `metis token ...` commands.
 */
export { token } from './plugin.js';
export { tokenOptionsSchema, type TokenOptions, type TokenOptionsInput } from './options.js';
export { tokenPredeploys } from './contracts.js';
export { tokenNamespace } from './rpc.js';
