import { ClassicLevel } from 'classic-level';

export type ChainLevel = ClassicLevel<Uint8Array, Uint8Array>;
export type LevelOp = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

export async function openChainLevel(path: string): Promise<ChainLevel> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  return db;
}
