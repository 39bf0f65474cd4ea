// Entry of a YAML pool thread when the product runs from its TypeScript sources (tsx): a
// worker does not take tsx's loader from the process's flags on Node 20, so it registers it
// itself before loading the task (see yaml-pool.ts; embedded-worker-tsx.mjs likewise).
import { register } from 'tsx/esm/api';

register();
const { default: runYamlTask } = await import('./yaml-task.ts');
export default runYamlTask;
