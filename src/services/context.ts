// What every use case receives about its caller.
import type { Principal } from '../auth/principal.ts';

export interface Actor extends Principal {
  /** Request id of the API call (or an engine-generated id), recorded in audit. */
  requestId?: string;
}
