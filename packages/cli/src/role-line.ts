/** The banner line that says what a node does: `sequencer`, or a replica and where its transactions go. */
export function roleLine(role: 'sequencer' | 'replica', sequencerRpc: string | undefined): string {
  if (role === 'sequencer') return 'sequencer';
  return `replica (read-only, derived from L1; transactions ${sequencerRpc ? `forwarded to ${sequencerRpc}` : 'refused: no sequencer RPC'})`;
}
