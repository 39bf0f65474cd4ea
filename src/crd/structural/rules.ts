// CEL rules (`x-kubernetes-validations`) are listed, never evaluated: evaluating CEL
// faithfully needs the API server's CEL environment (cost limits, Kubernetes libraries),
// and a rule we only pretend to check would be worse than one we say we did not check.

import { compile, type CompiledNode } from './compile.ts';
import type { JSONSchemaProps } from './types.ts';

export interface ListedRule {
  /** Schema path of the node the rule sits on: `.spec.endpoints[*]`. */
  schemaPath: string;
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
}

export function listValidationRules(schema: JSONSchemaProps): ListedRule[] {
  const out: ListedRule[] = [];
  visit(compile(schema), '', out);
  return out;
}

function visit(n: CompiledNode, path: string, out: ListedRule[]): void {
  if (!n.hasRules) return;
  for (const r of n.rules) out.push({ ...r, schemaPath: path });
  for (const [k, child] of n.properties ?? []) visit(child, `${path}.${k}`, out);
  if (typeof n.additional === 'object') visit(n.additional, `${path}{*}`, out);
  if (n.items) visit(n.items, `${path}[*]`, out);
}
