// Helm chart repositories: versions from `<repository>/index.yaml` (read through the source
// fence, fence.ts), and rendering with `helm template` when a helm binary is configured
// (HELM_BIN). helm downloads the chart itself: the fence can only check the repository URL
// before helm runs (render.ts), not where helm connects.

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPrerelease, parseVersion, compareVersions } from '../domain/version.ts';
import { displayUrl, FetchError, HelmError } from './errors.ts';
import { readUrl, type FetchOptions } from './fetch.ts';
import { parseYamlDocument } from './yaml.ts';

export interface ChartVersion {
  version: string;
  appVersion?: string;
  /** RFC 3339 time the chart version was published, as the index says. */
  created?: string;
  /** sha256 of the chart archive, as the index says. */
  digest?: string;
  deprecated?: boolean;
  urls: string[];
}

export interface ListChartVersionsOptions extends FetchOptions {
  /** Keep pre-release versions (1.2.0-rc.1). Default true: they are listed, and `latestVersion` skips them. */
  includePrerelease?: boolean;
}

/** `<repository>/index.yaml`, whether or not the repository URL ends with "/". */
export function indexUrlOf(repositoryUrl: string): string {
  const base = repositoryUrl.endsWith('/') ? repositoryUrl : `${repositoryUrl}/`;
  return new URL('index.yaml', base).toString();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The versions of `chartName` in a parsed repository index, newest first (semver order;
 * entries whose version is not semver are dropped, as Helm itself does).
 */
function chartVersionsFromIndex(index: unknown, chartName: string, repository: string, includePrerelease = true): ChartVersion[] {
  if (!isRecord(index) || !isRecord(index.entries)) {
    throw new HelmError(`${displayUrl(repository)}: index.yaml has no "entries" mapping; is this a Helm chart repository?`);
  }
  const entries = index.entries[chartName];
  if (!Array.isArray(entries)) {
    const names = Object.keys(index.entries).sort();
    const known = names.length
      ? ` (it has: ${names.slice(0, 10).join(', ')}${names.length > 10 ? `, … ${names.length - 10} more` : ''})`
      : ' (it has no charts)';
    throw new HelmError(`chart "${chartName}" not found in Helm repository ${displayUrl(repository)}${known}`);
  }
  const versions: ChartVersion[] = [];
  for (const entry of entries) {
    if (!isRecord(entry) || typeof entry.version !== 'string' || !parseVersion(entry.version)) continue;
    if (!includePrerelease && isPrerelease(entry.version)) continue;
    versions.push({
      version: entry.version,
      ...(typeof entry.appVersion === 'string' ? { appVersion: entry.appVersion } : {}),
      ...(typeof entry.created === 'string' ? { created: entry.created } : {}),
      ...(typeof entry.digest === 'string' ? { digest: entry.digest } : {}),
      ...(entry.deprecated === true ? { deprecated: true } : {}),
      urls: Array.isArray(entry.urls) ? entry.urls.filter((u): u is string => typeof u === 'string') : [],
    });
  }
  return versions.sort((a, b) => compareVersions(b.version, a.version));
}

/** Reads `<repository>/index.yaml` through `options.fence` and returns the chart's versions, newest first. */
export async function listChartVersions(repositoryUrl: string, chartName: string, options: ListChartVersionsOptions): Promise<ChartVersion[]> {
  if (repositoryUrl.startsWith('oci://')) {
    throw new HelmError(`${displayUrl(repositoryUrl)}: OCI registries have no index.yaml; chart versions cannot be listed from it`);
  }
  const url = indexUrlOf(repositoryUrl);
  let text: string;
  try {
    text = (await readUrl(url, options)).toString('utf8');
  } catch (err) {
    if (err instanceof FetchError) throw new HelmError(`cannot read Helm repository index: ${err.message}`);
    throw err;
  }
  // Already bounded by the read; aliases may expand it to twice its size at most.
  const index = parseYamlDocument(text, { source: displayUrl(url), maxTotalBytes: 2 * Buffer.byteLength(text) + 1024 });
  return chartVersionsFromIndex(index, chartName, repositoryUrl, options.includePrerelease ?? true);
}

export interface HelmTemplateOptions {
  /** Path of the helm executable. */
  helmBin: string;
  /** Release name (the operator name). */
  releaseName: string;
  /** Chart repository URL (https://…, file://… or oci://…). */
  repositoryUrl: string;
  chartName: string;
  version: string;
  /** Namespace the release is rendered for (`--namespace`). */
  namespace: string;
  /** Chart values, written to a temporary file passed with `--values`. */
  values?: Record<string, unknown>;
  /** Kill helm after this long. Default 120 s. */
  timeoutMs?: number;
  /** Largest accepted output. Default 32 MiB. */
  maxOutputBytes?: number;
  /** Environment of the helm process. Default: this process's environment. */
  env?: NodeJS.ProcessEnv;
}

/** The arguments of `helm template` for these options (oci:// charts are addressed directly, not with --repo). */
export function helmTemplateArgs(o: Omit<HelmTemplateOptions, 'helmBin'>, valuesFile: string): string[] {
  const chart = o.repositoryUrl.startsWith('oci://') ? `${o.repositoryUrl.replace(/\/$/, '')}/${o.chartName}` : o.chartName;
  const repo = o.repositoryUrl.startsWith('oci://') ? [] : ['--repo', o.repositoryUrl];
  return ['template', o.releaseName, chart, ...repo, '--version', o.version, '--namespace', o.namespace, '--values', valuesFile, '--include-crds'];
}

const STDERR_TAIL = 4096;

/** Runs `helm template` and returns its output (multi-document YAML). Throws HelmError with helm's stderr. */
export async function helmTemplate(options: HelmTemplateOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const maxOutput = options.maxOutputBytes ?? 32 * 1024 * 1024;
  const dir = await mkdtemp(join(tmpdir(), 'operator-manager-helm-'));
  try {
    const valuesFile = join(dir, 'values.json'); // JSON is YAML
    await writeFile(valuesFile, JSON.stringify(options.values ?? {}), { mode: 0o600 });
    const args = helmTemplateArgs(options, valuesFile);
    return await new Promise<string>((resolve, reject) => {
      const child = spawn(options.helmBin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
      const out: Buffer[] = [];
      let outBytes = 0;
      let stderr = '';
      let problem: string | undefined;
      const stop = (why: string) => {
        problem ??= why;
        child.kill('SIGKILL');
      };
      const timer = setTimeout(() => stop(`timed out after ${timeoutMs} ms`), timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        outBytes += chunk.length;
        if (outBytes > maxOutput) stop(`output exceeds the limit of ${maxOutput} bytes`);
        else out.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
      });
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new HelmError(`cannot run helm at ${options.helmBin}: ${err.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const what = `helm template ${options.chartName} ${options.version}`;
        const tail = stderr.trim();
        if (problem) reject(new HelmError(`${what} ${problem}${tail ? `: ${tail}` : ''}`, tail));
        else if (code !== 0)
          reject(new HelmError(`${what} failed (${code !== null ? `exit code ${code}` : `signal ${signal}`})${tail ? `: ${tail}` : ''}`, tail));
        else resolve(Buffer.concat(out).toString('utf8'));
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
