// Entry of a step thread when the product runs from its TypeScript sources (tsx): a worker
// does not take tsx's loader from the process's flags on Node 20, so it registers it itself
// (as src/persistence/embedded-worker-tsx.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./step-thread.ts');
