// Entry of the embedded database's thread when the product runs from its TypeScript sources
// (tsx): a worker does not take tsx's loader from the process's flags on Node 20, so it
// registers it itself before loading the worker (see embedded.ts; yaml-task-tsx.mjs likewise).
import { register } from 'tsx/esm/api';

register();
await import('./embedded-worker.ts');
