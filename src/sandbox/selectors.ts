// Label and field selectors: the query-string syntax of list/watch requests and the
// structured LabelSelector of workloads, compiled once into predicates.
import type { KubeObject } from '../kube/types.ts';
import { badRequest } from './errors.ts';

export type Predicate = (obj: KubeObject) => boolean;

type Labels = Record<string, string> | undefined;
type LabelTest = (labels: Labels) => boolean;

const has = (labels: Labels, key: string) => labels !== undefined && Object.hasOwn(labels, key);

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

const SET_TERM = /^([^\s!=<>()]+)\s+(in|notin)\s+\(([^)]*)\)$/;
const COMPARE_TERM = /^([^\s!=<>()]+)\s*(==|=|!=|>|<)\s*([^\s!=<>(),]*)$/;
const EXISTS_TERM = /^(!?)\s*([^\s!=<>()]+)$/;

function compileLabelTerm(term: string): LabelTest {
  let m = SET_TERM.exec(term);
  if (m) {
    const [, key, op, list] = m as unknown as [string, string, string, string];
    const values = new Set(list.split(',').map((v) => v.trim()));
    return op === 'in' ? (l) => has(l, key) && values.has(l![key]!) : (l) => !has(l, key) || !values.has(l![key]!);
  }
  m = COMPARE_TERM.exec(term);
  if (m) {
    const [, key, op, value] = m as unknown as [string, string, string, string];
    if (op === '!=') return (l) => !has(l, key) || l![key] !== value;
    if (op === '>' || op === '<') {
      const bound = Number(value);
      if (!Number.isInteger(bound)) throw badRequest(`unable to parse requirement: invalid integer value ${value}`);
      return (l) => has(l, key) && (op === '>' ? Number(l![key]) > bound : Number(l![key]) < bound);
    }
    return (l) => has(l, key) && l![key] === value;
  }
  m = EXISTS_TERM.exec(term);
  if (m) {
    const [, not, key] = m as unknown as [string, string, string];
    return not ? (l) => !has(l, key) : (l) => has(l, key);
  }
  throw badRequest(`unable to parse requirement: found '${term}', expected a label selector requirement`);
}

/** Compiles `app=web,tier in (a,b),!legacy` into a predicate on metadata.labels. */
export function parseLabelSelector(text: string | null | undefined): Predicate | undefined {
  if (!text) return undefined;
  const tests = splitTerms(text).map(compileLabelTerm);
  return (obj) => tests.every((t) => t(obj.metadata.labels));
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** The structured selector of a workload or service; an empty selector matches everything. */
export function labelSelectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (!has(labels, k) || labels![k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const present = has(labels, e.key);
    const inValues = present && (e.values ?? []).includes(labels![e.key]!);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !present) return false;
    if (e.operator === 'DoesNotExist' && present) return false;
  }
  return true;
}

/** A Service's selector is a plain map; an empty or missing one selects nothing. */
export function mapSelectorMatches(selector: Record<string, string> | undefined, labels: Labels): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => has(labels, k) && labels![k] === v);
}

/** `app=web,tier!=db` as a real server prints a workload's selector in status.selector. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = `(${(e.values ?? []).join(',')})`;
    if (e.operator === 'In') parts.push(`${e.key} in ${values}`);
    if (e.operator === 'NotIn') parts.push(`${e.key} notin ${values}`);
    if (e.operator === 'Exists') parts.push(e.key);
    if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.sort().join(',');
}

/** Fields every kind can be selected by, and the extra ones real servers allow per kind. */
const FIELDS_BY_KIND: Record<string, string[]> = {
  Pod: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  Secret: ['type'],
  Node: ['spec.unschedulable'],
  Namespace: ['status.phase'],
  ReplicaSet: ['status.replicas'],
  Job: ['status.successful'],
};

function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
  return cur === undefined || cur === null ? '' : String(cur);
}

/** Compiles `metadata.name=x,metadata.namespace!=y`; unsupported fields are a 400 as on a real server. */
export function parseFieldSelector(text: string | null | undefined, kind: string): Predicate | undefined {
  if (!text) return undefined;
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(FIELDS_BY_KIND[kind] ?? [])]);
  const tests = splitTerms(text).map((term): Predicate => {
    const m = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    if (!allowed.has(field)) throw badRequest(`field label not supported: ${field}`);
    return op === '!=' ? (o) => fieldValue(o, field) !== value : (o) => fieldValue(o, field) === value;
  });
  return (obj) => tests.every((t) => t(obj));
}

/** A plain "field=value" pair when the selector pins metadata.name (lets lookups skip a scan). */
export function pinnedName(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  for (const term of splitTerms(text)) {
    const m = /^metadata\.name\s*(==|=)\s*(.+)$/.exec(term);
    if (m) return m[2];
  }
  return undefined;
}
