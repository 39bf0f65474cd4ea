// apiextensions.k8s.io/v1 CustomResourceDefinition: usable once Established; names that
// clash with another CRD (NamesAccepted=False) do not resolve by waiting.

import type { KubeObject } from '../types.ts';
import { conditionOf, describeCondition, healthOf, type Health } from './types.ts';

export function crdHealth(obj: KubeObject): Health {
  const names = conditionOf(obj, 'NamesAccepted');
  if (names?.status === 'False') return healthOf(obj, 'UNHEALTHY', `names not accepted (${describeCondition(names)})`, true);
  const terminating = conditionOf(obj, 'Terminating');
  if (terminating?.status === 'True' || obj.metadata.deletionTimestamp) {
    return healthOf(obj, 'PROGRESSING', `being deleted${terminating ? ` (${describeCondition(terminating)})` : ''}`);
  }
  const established = conditionOf(obj, 'Established');
  if (established?.status !== 'True') {
    return healthOf(obj, 'PROGRESSING', `not yet established${established ? ` (${describeCondition(established)})` : ''}`);
  }
  const served = (Array.isArray(obj.spec?.versions) ? obj.spec.versions : [])
    .filter((v: { served?: boolean }) => v.served)
    .map((v: { name: string }) => v.name);
  const nonStructural = conditionOf(obj, 'NonStructuralSchema');
  if (nonStructural?.status === 'True') {
    return healthOf(obj, 'DEGRADED', `established, but its schema is not structural (${describeCondition(nonStructural)})`);
  }
  return healthOf(obj, 'HEALTHY', `established${served.length ? `, serving ${served.join(', ')}` : ''}`);
}
