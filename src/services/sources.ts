// What services ask of operator sources at registration and deployment time: the chart
// versions a Helm repository offers, and whether a manifest bundle exists for a version.
// Both read through the source fence built in app.ts.
import { ValidationError } from '../domain/errors.ts';
import { fetchManifestBundle, listChartVersions, type SourceFence } from '../sources/index.ts';
import type { VersionChecker } from './deployments.ts';
import type { SourceVersionLister } from './operators.ts';

/** Lists a chart's versions from its repository index, read through `fence`. */
export function repositoryVersionLister(fence: SourceFence): SourceVersionLister {
  return async ({ chartRepository, chartName }) => {
    try {
      return (await listChartVersions(chartRepository!, chartName!, { fence, retries: 1 })).map((v) => v.version);
    } catch (err) {
      throw new ValidationError(`chart ${chartName} could not be read from ${chartRepository}: ${(err as Error).message}`, [
        'input.chartRepository',
        'input.chartName',
      ]);
    }
  };
}

/** A version missing from the operator's list: a manifest bundle that can be fetched through `fence` is accepted. */
export function bundleVersionChecker(fence: SourceFence): VersionChecker {
  return async (operator, version) => {
    if (!operator.manifestUrlTemplate) {
      throw new ValidationError(
        `version ${version} is not in chart ${operator.chartName}'s repository index (known: ${operator.versions.slice(0, 10).join(', ') || 'none'})`,
        ['input.targetVersion'],
      );
    }
    try {
      await fetchManifestBundle(operator.manifestUrlTemplate, version, { fence, retries: 1 });
    } catch (err) {
      throw new ValidationError(`version ${version} of ${operator.name} is not available: ${(err as Error).message}`, ['input.targetVersion']);
    }
  };
}
