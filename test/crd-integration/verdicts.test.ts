// What the planning gate makes of a report (pure): which clusters block, when an approved
// report covers a new one, the warnings a deployment shows.
import { describe, expect, it } from 'vitest';
import type { AffectedObject, ReportFinding } from '../../src/crd/index.ts';
import type { ClusterCrdVerdict, CrdReport } from '../../src/services/crd-check.ts';
import { blockingClusters, coveredBy, warningsOf } from '../../src/services/crd-verdicts.ts';

const verdict = (clusterName: string, v: Partial<ClusterCrdVerdict> = {}): ClusterCrdVerdict => ({
  clusterName,
  compatible: true,
  requiresApproval: false,
  complete: true,
  reachable: true,
  objectsScanned: 0,
  objectsBroken: 0,
  breakingFindings: 0,
  warningFindings: 0,
  affectedObjects: 0,
  notCheckedRules: 0,
  errors: [],
  ...v,
});
const finding = (f: Partial<ReportFinding>): ReportFinding => ({
  crdName: 'scrapeconfigs.monitoring.coreos.com',
  version: 'v1alpha1',
  fieldPath: '.spec.NomadSDConfigs',
  changeType: 'FIELD_REMOVED',
  severity: 'WARNING',
  schemaSeverity: 'WARNING',
  oldValue: 'NomadSDConfigs',
  newValue: 'nomadSDConfigs',
  message: 'removed',
  clusters: ['a'],
  affectedObjectCount: 0,
  ...f,
});
const broken = (name: string): AffectedObject => ({
  clusterName: 'a',
  kind: 'ScrapeConfig',
  namespace: 'monitoring',
  name,
  fieldPath: '.spec.NomadSDConfigs',
  reason: 'pruned',
  category: 'DATA_LOSS',
  crdName: 'scrapeconfigs.monitoring.coreos.com',
  apiVersion: 'monitoring.coreos.com/v1alpha1',
  schemaPath: '.spec.NomadSDConfigs',
  changeType: 'FIELD_REMOVED',
});
const report = (r: Partial<CrdReport>): CrdReport => ({
  operatorName: 'p',
  targetVersion: 'v2',
  checkedAt: '',
  compatible: true,
  requiresApproval: false,
  findings: [],
  affectedObjects: [],
  affectedObjectsTruncated: 0,
  clusters: [],
  notChecked: [],
  ...r,
});

describe('the planning gate on a report', () => {
  it('blocks on reachable clusters that need approval, and on unreadable ones only when the recorded baseline is breaking', () => {
    const clusters = [
      verdict('ok'),
      verdict('breaking', { compatible: false, requiresApproval: true }),
      verdict('listing-failed', { compatible: false, requiresApproval: true, complete: false }),
      verdict('down', { compatible: false, requiresApproval: true, complete: false, reachable: false }),
      verdict('down-and-breaking', { compatible: false, requiresApproval: true, complete: false, reachable: false, breakingFindings: 1 }),
    ];
    expect(blockingClusters({ clusters }).map((c) => c.clusterName)).toEqual(['breaking', 'listing-failed', 'down-and-breaking']);
  });

  it('an approved report covers the same breakage, not an object broken since', () => {
    const approved = report({ findings: [finding({ severity: 'BREAKING' })], affectedObjects: [broken('nomad-a')] });
    expect(coveredBy(approved, JSON.parse(JSON.stringify(approved)))).toBe(true);
    expect(coveredBy(report({ affectedObjects: [broken('nomad-a'), broken('nomad-b')] }), approved)).toBe(false);
    // A pre-existing problem is not something to approve.
    expect(coveredBy(report({ affectedObjects: [{ ...broken('nomad-c'), preexisting: true }] }), approved)).toBe(true);
    expect(coveredBy(report({ clusters: [verdict('a', { complete: false })] }), approved)).toBe(false);
    expect(coveredBy(approved, null)).toBe(false);
  });

  it('warnings: non-breaking findings, unreadable clusters and rules not evaluated, capped', () => {
    const lines = warningsOf(
      report({
        findings: [finding({}), finding({ severity: 'BREAKING', fieldPath: '.spec.x' })],
        clusters: [verdict('down', { reachable: false, errors: ['CRDs not readable: unreachable'] })],
        notChecked: [{ clusterName: 'a', crdName: 'x.example.com', version: 'v1', schemaPath: '.spec', rule: 'self.a > 0', objectCount: 3, sampleObjects: [] }],
      }),
    );
    expect(lines).toEqual([
      'CRD check: down could not be read during planning; its custom resources were not checked (CRDs not readable: unreachable)',
      'CRD scrapeconfigs.monitoring.coreos.com v1alpha1 .spec.NomadSDConfigs: FIELD_REMOVED: removed',
      'CRD x.example.com v1 .spec: validation rule not evaluated for 3 object(s) in a: self.a > 0',
    ]);
    const many = warningsOf(report({ findings: Array.from({ length: 250 }, (_, i) => finding({ fieldPath: `.spec.f${i}` })) }));
    expect(many).toHaveLength(200);
    expect(many.at(-1)).toBe('… and 51 more (see crdReport)');
  });
});
