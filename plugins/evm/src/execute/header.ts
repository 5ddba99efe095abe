import { createBlockHeader, type BlockHeader, type HeaderData } from '@ethereumjs/block';
import type { Common } from '@ethereumjs/common';
import type { BlockTemplate } from '@metis/core';
import { hexToBytes, type Address } from '@ethereumjs/util';

/** The header frame a block executes in (roots and gas used are filled in after execution). */
export function envHeader(common: Common, template: BlockTemplate, parent: BlockHeader, coinbase: Address): BlockHeader {
  return createBlockHeader(headerData(template, parent, coinbase), { common, skipConsensusFormatValidation: true });
}

export function headerData(template: BlockTemplate, parent: BlockHeader, coinbase: Address): HeaderData {
  return {
    parentHash: hexToBytes(template.parentHash),
    number: template.number,
    timestamp: template.timestamp,
    gasLimit: template.gasLimit,
    baseFeePerGas: parent.calcNextBaseFee(),
    coinbase,
  };
}
