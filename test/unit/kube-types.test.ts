import { describe, expect, it } from 'vitest';
import { groupOf, subjectOf } from '../../src/kube/types.ts';

describe('kube object identities', () => {
  it.each([
    [{ kind: 'Deployment', namespace: 'monitoring', name: 'prometheus-operator' }, 'Deployment/monitoring/prometheus-operator'],
    [{ kind: 'ClusterRole', name: 'prometheus-operator' }, 'ClusterRole/prometheus-operator'],
    [{ kind: 'Service', metadata: { name: 'web', namespace: 'default' } }, 'Service/default/web'],
  ])('subject of %j is %s', (ref, subject) => {
    expect(subjectOf(ref)).toBe(subject);
  });

  it.each([
    ['v1', ''],
    ['apps/v1', 'apps'],
    ['apiextensions.k8s.io/v1', 'apiextensions.k8s.io'],
  ])('group of %s is "%s"', (apiVersion, group) => {
    expect(groupOf(apiVersion)).toBe(group);
  });
});
