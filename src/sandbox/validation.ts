// Metadata validation as a real API server applies it: name formats per resource,
// label keys and values, the 256 KiB total annotation size.
import type { KubeObject } from '../kube/types.ts';
import type { StatusCause } from './errors.ts';
import type { ResourceType } from './resources.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Total size allowed for metadata.annotations (keys plus values). */
const ANNOTATIONS_LIMIT = 256 * 1024;

const invalidValue = (field: string, value: unknown, why: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${why}`,
  field,
});

/** Problems with a DNS-1123 subdomain (empty when valid). */
function subdomainProblems(value: string): string[] {
  const out: string[] = [];
  if (value.length > 253) out.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(value)) {
    out.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')",
    );
  }
  return out;
}

function labelProblems(value: string): string[] {
  const out: string[] = [];
  if (value.length > 63) out.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(value)) {
    out.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name')",
    );
  }
  return out;
}

function dns1035Problems(value: string): string[] {
  const out: string[] = [];
  if (value.length > 63) out.push('must be no more than 63 characters');
  if (!DNS1035_LABEL.test(value)) {
    out.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name')",
    );
  }
  return out;
}

function pathSegmentProblems(value: string): string[] {
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  if (value.includes('/') || value.includes('%')) return [`may not contain '/' or '%'`];
  return [];
}

function nameProblems(rule: ResourceType['nameRule'], name: string): string[] {
  switch (rule) {
    case 'label':
      return labelProblems(name);
    case 'dns1035':
      return dns1035Problems(name);
    case 'path':
      return pathSegmentProblems(name);
    default:
      return subdomainProblems(name);
  }
}

function qualifiedNameProblems(key: string): string[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const out: string[] = [];
  if (prefix !== undefined) out.push(...subdomainProblems(prefix).map((p) => `prefix part ${p}`));
  if (name.length === 0) out.push('name part must be non-empty');
  else if (name.length > 63) out.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME.test(name)) {
    out.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName')");
  }
  return out;
}

/** Causes of a 422 Invalid for the object's metadata; empty when it is valid. */
export function validateMetadata(rt: ResourceType, obj: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const meta = obj.metadata;
  const name = meta.name;
  if (!name) causes.push({ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' });
  else for (const p of nameProblems(rt.nameRule, name)) causes.push(invalidValue('metadata.name', name, p));

  for (const [k, v] of Object.entries(meta.labels ?? {})) {
    for (const p of qualifiedNameProblems(k)) causes.push(invalidValue('metadata.labels', k, p));
    if (typeof v !== 'string') {
      causes.push(invalidValue(`metadata.labels`, v, 'must be a string'));
      continue;
    }
    if (v.length > 63) causes.push(invalidValue('metadata.labels', v, 'must be no more than 63 characters'));
    if (!LABEL_VALUE.test(v)) {
      causes.push(
        invalidValue(
          'metadata.labels',
          v,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue')",
        ),
      );
    }
  }

  let annotationBytes = 0;
  for (const [k, v] of Object.entries(meta.annotations ?? {})) {
    for (const p of qualifiedNameProblems(k.toLowerCase())) causes.push(invalidValue('metadata.annotations', k, p));
    annotationBytes += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : JSON.stringify(v));
  }
  if (annotationBytes > ANNOTATIONS_LIMIT) {
    causes.push({ reason: 'FieldValueTooLong', message: `Too long: must have at most ${ANNOTATIONS_LIMIT} bytes`, field: 'metadata.annotations' });
  }
  return causes;
}
