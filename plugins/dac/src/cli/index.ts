export { dacCommands, registerDacCommands, proposalNextSteps } from './dac-commands.js';
export * from './common.js';
