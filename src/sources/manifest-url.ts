// Release bundles addressed by an operator's `manifestUrlTemplate`, e.g.
// https://github.com/prometheus-operator/prometheus-operator/releases/download/{vVersion}/bundle.yaml
//
// Placeholders (projects disagree on whether tags carry a "v", so the template decides):
//   {version}      the version exactly as requested ("v0.75.0" stays "v0.75.0", "0.75.0" stays "0.75.0")
//   {bareVersion}  without a leading "v" ("0.75.0")
//   {vVersion}     with a leading "v" ("v0.75.0")

import { withoutV, withV } from '../domain/version.ts';
import { SourceError } from './errors.ts';
import { readUrl, type FetchOptions } from './fetch.ts';

const PLACEHOLDERS: Record<string, (version: string) => string> = {
  version: (v) => v,
  bareVersion: withoutV,
  vVersion: withV,
};

// Versions end up in URL paths and file names: nothing that could leave the template's directory.
const SAFE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

/** A problem with a template, or undefined when it is usable (for input validation). */
export function manifestUrlTemplateProblem(template: string): string | undefined {
  const unknown = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!).filter((name) => !(name in PLACEHOLDERS));
  if (unknown.length > 0) {
    return `unknown placeholder ${unknown.map((n) => `{${n}}`).join(', ')} (known: ${Object.keys(PLACEHOLDERS)
      .map((n) => `{${n}}`)
      .join(', ')})`;
  }
  let url: URL;
  try {
    url = new URL(expandPlaceholders(template, '0.0.0'));
  } catch {
    return 'must be an absolute URL';
  }
  if (!['http:', 'https:', 'file:'].includes(url.protocol)) return `must use http://, https:// or file:// (got ${url.protocol}//)`;
  return undefined;
}

function expandPlaceholders(template: string, version: string): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, name: string) => PLACEHOLDERS[name]?.(version) ?? whole);
}

/** The URL for one version. Throws SourceError for a bad template or a version that is not safe in a path. */
export function expandManifestUrl(template: string, version: string): string {
  const problem = manifestUrlTemplateProblem(template);
  if (problem) throw new SourceError(`manifestUrlTemplate ${problem}`);
  if (!SAFE_VERSION.test(version) || version.includes('..')) {
    throw new SourceError(`version "${version.slice(0, 100)}" cannot be used in a URL (letters, digits, ".", "_", "+", "-" only)`);
  }
  return expandPlaceholders(template, version);
}

/** Reads the bundle of one version through `options.fence`; returns the expanded URL with the text. */
export async function fetchManifestBundle(template: string, version: string, options: FetchOptions): Promise<{ url: string; text: string }> {
  const url = expandManifestUrl(template, version);
  const body = await readUrl(url, options);
  return { url, text: body.toString('utf8') };
}
