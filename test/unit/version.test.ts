import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  isValidVersion,
  latestVersion,
  parseVersion,
  sortVersionsDescending,
  versionProblem,
  withV,
  withoutV,
} from '../../src/domain/version.ts';

describe('semantic versions', () => {
  it.each([
    ['1.2.3', true],
    ['v0.75.0', true],
    ['1.14.0-alpha.0', true],
    ['1.2.3-rc.1+build.5', true],
    ['1.2', false],
    ['01.2.3', false],
    ['latest', false],
    ['v', false],
    ['1.2.3-', false],
  ])('%s is valid: %s', (text, valid) => {
    expect(isValidVersion(text)).toBe(valid);
    expect(versionProblem(text) === undefined).toBe(valid);
  });

  it('parses parts, pre-release identifiers and build metadata', () => {
    expect(parseVersion('v1.20.3-rc.11+sha.abc')).toEqual({
      major: 1,
      minor: 20,
      patch: 3,
      prerelease: ['rc', 11],
      build: ['sha', 'abc'],
      raw: 'v1.20.3-rc.11+sha.abc',
    });
  });

  it.each([
    ['1.0.0', '2.0.0', -1],
    ['1.10.0', '1.9.0', 1],
    ['v1.2.3', '1.2.3', 0],
    ['1.0.0-alpha', '1.0.0', -1],
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0-alpha.1', '1.0.0-alpha.beta', -1],
    ['1.0.0-beta.2', '1.0.0-beta.11', -1],
    ['1.0.0-rc.1', '1.0.0-beta.11', 1],
    ['1.0.0+build.1', '1.0.0+build.2', 0],
  ])('compare(%s, %s) = %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
    expect(compareVersions(b, a)).toBe(-expected || 0);
  });

  it('refuses to compare text that is not a version', () => {
    expect(() => compareVersions('latest', '1.0.0')).toThrow(/not a semantic version: "latest"/);
  });

  it('sorts newest first, drops non-versions and duplicates', () => {
    expect(sortVersionsDescending(['v0.75.0', '0.9.1', 'nightly', '0.80.0', '0.80.0-rc.0', '1.0.0-alpha', '0.80.0', '0.10.0'])).toEqual([
      '1.0.0-alpha',
      '0.80.0',
      '0.80.0-rc.0',
      'v0.75.0',
      '0.10.0',
      '0.9.1',
    ]);
  });

  it('latest prefers releases over pre-releases unless asked', () => {
    expect(latestVersion(['1.0.0', '1.1.0-rc.1', '0.9.0'])).toBe('1.0.0');
    expect(latestVersion(['1.0.0', '1.1.0-rc.1'], { includePrerelease: true })).toBe('1.1.0-rc.1');
    expect(latestVersion(['1.1.0-rc.1'])).toBe('1.1.0-rc.1');
    expect(latestVersion(['junk'])).toBeUndefined();
  });

  it.each([
    ['v1.2.3', '1.2.3', 'v1.2.3'],
    ['1.2.3', '1.2.3', 'v1.2.3'],
    [' v0.75.0 ', '0.75.0', 'v0.75.0'],
  ])('%s without v is %s, with v is %s', (text, bare, prefixed) => {
    expect(withoutV(text)).toBe(bare);
    expect(withV(text)).toBe(prefixed);
  });
});
