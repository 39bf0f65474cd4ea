// Counts, per rule, how many objects carry a value a CEL rule (or an uncompilable pattern)
// applies to. Aggregated rather than listed per object: 10,000 objects × a rule would
// drown the report, and memory must not grow with the object count.

import type { KubeObject } from '../../kube/types.ts';
import type { UncheckedRule } from '../structural/types.ts';
import type { NotCheckedRule } from './types.ts';

const SAMPLES = 5;

export class NotCheckedTally {
  private readonly byRule = new Map<string, NotCheckedRule & { lastObject?: KubeObject }>();

  constructor(
    private readonly clusterName: string,
    private readonly crdName: string,
  ) {}

  add(version: string, u: UncheckedRule, obj: KubeObject): void {
    const k = `${version}\n${u.schemaPath}\n${u.rule}`;
    let entry = this.byRule.get(k);
    if (!entry) {
      entry = {
        clusterName: this.clusterName,
        crdName: this.crdName,
        version,
        schemaPath: u.schemaPath,
        rule: u.rule,
        ...(u.message ? { message: u.message } : {}),
        objectCount: 0,
        sampleObjects: [],
      };
      this.byRule.set(k, entry);
    }
    if (entry.lastObject === obj) return; // a rule on array items counts each object once
    entry.lastObject = obj;
    entry.objectCount++;
    const name = obj.metadata?.namespace ? `${obj.metadata.namespace}/${obj.metadata?.name}` : String(obj.metadata?.name);
    if (entry.sampleObjects.length < SAMPLES) entry.sampleObjects.push(name);
  }

  rules(): NotCheckedRule[] {
    return [...this.byRule.values()].map(({ lastObject: _ignored, ...rule }) => rule);
  }
}
