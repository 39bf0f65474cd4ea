// What services ask of operator sources at registration and deployment time: the chart
// versions a Helm repository offers, and whether a manifest bundle exists for a version.
import { ValidationError } from '../domain/errors.ts';
import { fetchManifestBundle, listChartVersions } from '../sources/index.ts';
import type { VersionChecker } from './deployments.ts';
import type { SourceVersionLister } from './operators.ts';

export const listRepositoryVersions: SourceVersionLister = async ({ chartRepository, chartName }) => {
  try {
    return (await listChartVersions(chartRepository!, chartName!, { timeoutMs: 15_000, retries: 1 })).map((v) => v.version);
  } catch (err) {
    throw new ValidationError(`chart ${chartName} could not be read from ${chartRepository}: ${(err as Error).message}`, ['input.chartRepository', 'input.chartName']);
  }
};

/** A version missing from the operator's list: a manifest bundle that can be fetched is accepted. */
export const checkBundleVersion: VersionChecker = async (operator, version) => {
  if (!operator.manifestUrlTemplate) {
    throw new ValidationError(`version ${version} is not in chart ${operator.chartName}'s repository index (known: ${operator.versions.slice(0, 10).join(', ') || 'none'})`, ['input.targetVersion']);
  }
  try {
    await fetchManifestBundle(operator.manifestUrlTemplate, version, { timeoutMs: 30_000, retries: 1 });
  } catch (err) {
    throw new ValidationError(`version ${version} of ${operator.name} is not available: ${(err as Error).message}`, ['input.targetVersion']);
  }
};
