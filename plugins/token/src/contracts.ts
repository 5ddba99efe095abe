import { PREDEPLOYS } from '@metis/contracts';
import type { GenesisAccounts } from '@metis/core';
import { predeployAccounts } from '@metis/dac';

/** The DacTokenFactory predeploy (it deploys each DAC's DacToken with a constructor, so DacToken needs no placement). */
export function tokenPredeploys(): GenesisAccounts {
  return predeployAccounts(['DacTokenFactory'], () => PREDEPLOYS.DAC_TOKEN_FACTORY);
}
