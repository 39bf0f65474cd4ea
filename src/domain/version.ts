// Semantic versions as operators publish them: "1.2.3", "v1.2.3", "1.2.3-rc.1+build.5".
// Pure helpers for validating, comparing and sorting (Helm repository versions, latest
// version, rollout targets). Precedence follows semver.org §11; build metadata is ignored
// for precedence, and "v1.2.3" and "1.2.3" are equal.

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  /** Dot-separated pre-release identifiers ("rc.1" → ["rc", 1]); empty for a release. */
  prerelease: Array<string | number>;
  /** Build metadata identifiers, kept for display only. */
  build: string[];
  /** The text as given, including a leading "v" if there was one. */
  raw: string;
}

// semver.org's recommended pattern, with an optional leading "v".
const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Parses a semantic version with an optional leading "v"; undefined when it is not one. */
export function parseVersion(text: string): SemVer | undefined {
  const m = SEMVER.exec(text.trim());
  if (!m) return undefined;
  const numbers = [m[1], m[2], m[3]].map(Number);
  if (numbers.some((n) => !Number.isSafeInteger(n))) return undefined;
  return {
    major: numbers[0]!,
    minor: numbers[1]!,
    patch: numbers[2]!,
    prerelease: m[4] ? m[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [],
    build: m[5] ? m[5].split('.') : [],
    raw: text.trim(),
  };
}

export function isValidVersion(text: string): boolean {
  return parseVersion(text) !== undefined;
}

/** A problem sentence for input validation, or undefined when `text` is a semantic version. */
export function versionProblem(text: string): string | undefined {
  return isValidVersion(text) ? undefined : `must be a semantic version such as 1.2.3 or v1.2.3 (got "${text}")`;
}

/** "v1.2.3" → "1.2.3"; other text is returned trimmed and unchanged. */
export function withoutV(version: string): string {
  const t = version.trim();
  return /^v\d/.test(t) ? t.slice(1) : t;
}

/** "1.2.3" → "v1.2.3"; "v1.2.3" stays as it is. */
export function withV(version: string): string {
  return `v${withoutV(version)}`;
}

function toSemVer(v: string | SemVer): SemVer {
  if (typeof v !== 'string') return v;
  const parsed = parseVersion(v);
  if (!parsed) throw new Error(`not a semantic version: "${v}"`);
  return parsed;
}

function compareIdentifiers(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1; // numeric identifiers have lower precedence
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Semver precedence: negative when a < b, 0 when equal, positive when a > b.
 * Throws on text that is not a semantic version (validate input first).
 */
export function compareVersions(a: string | SemVer, b: string | SemVer): number {
  const x = toSemVer(a);
  const y = toSemVer(b);
  const core = x.major - y.major || x.minor - y.minor || x.patch - y.patch;
  if (core !== 0) return Math.sign(core);
  // A release ranks above its pre-releases.
  if (x.prerelease.length === 0 || y.prerelease.length === 0) {
    return Math.sign(y.prerelease.length - x.prerelease.length);
  }
  const n = Math.min(x.prerelease.length, y.prerelease.length);
  for (let i = 0; i < n; i++) {
    const c = compareIdentifiers(x.prerelease[i]!, y.prerelease[i]!);
    if (c !== 0) return Math.sign(c);
  }
  return Math.sign(x.prerelease.length - y.prerelease.length);
}

export function isPrerelease(version: string | SemVer): boolean {
  return toSemVer(version).prerelease.length > 0;
}

/**
 * Versions sorted newest first. Text that is not a semantic version is dropped (a Helm
 * repository may list odd entries); exact duplicates are kept once, and versions that are
 * equal in precedence keep their input order.
 */
export function sortVersionsDescending(versions: readonly string[]): string[] {
  const parsed = [...new Set(versions)]
    .map((text, index) => ({ text, index, semver: parseVersion(text) }))
    .filter((v): v is { text: string; index: number; semver: SemVer } => v.semver !== undefined);
  parsed.sort((a, b) => compareVersions(b.semver, a.semver) || a.index - b.index);
  return parsed.map((v) => v.text);
}

/** The newest version, ignoring pre-releases unless `includePrerelease` or nothing else exists. */
export function latestVersion(versions: readonly string[], { includePrerelease = false }: { includePrerelease?: boolean } = {}): string | undefined {
  const sorted = sortVersionsDescending(versions);
  return (includePrerelease ? sorted[0] : sorted.find((v) => !isPrerelease(v))) ?? sorted[0];
}
