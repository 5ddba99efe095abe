import { z } from 'zod';

/** Options of the dac plugin: bounds of the `metis_dac*` views (a dashboard call stays bounded). */
export const dacOptionsSchema = z.strictObject({
  /** Most items one view returns (DACs, members, commitments, proposals); a larger `limit` is refused. */
  maxPageSize: z.number().int().min(1).max(1_000).default(100),
  /** Items returned when a call gives no `limit`. */
  defaultPageSize: z.number().int().min(1).max(1_000).default(20),
  /** Most commitment or proposal ids one call looks at when filtering by DAC (newest first; `next` continues). */
  maxScan: z.number().int().min(1).max(100_000).default(1_000),
  /** Most attributes listed per member (the count is always given). */
  maxAttributesPerMember: z.number().int().min(0).max(1_000).default(20),
});

export type DacOptions = z.output<typeof dacOptionsSchema>;
export type DacOptionsInput = z.input<typeof dacOptionsSchema>;
