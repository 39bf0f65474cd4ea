import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/domain/duration.ts';
import { apiHealthStatus } from '../../src/api/schema/scalars.ts';
import { dns1123LabelProblem, urlProblem } from '../../src/domain/names.ts';

describe('ISO-8601 durations', () => {
  it.each([
    ['PT5M', 300_000],
    ['PT0.2S', 200],
    ['PT0S', 0],
    ['P1DT2H', 93_600_000],
    ['PT1H30M', 5_400_000],
    ['pt30s', 30_000],
    ['P1W', 604_800_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['5m', 'P', 'PT', 'PT-1S', 'P1Y', '', 'PT1.5.5S'])('%j is not a duration', (text) => expect(parseDuration(text)).toBeUndefined());

  it.each([
    [300_000, 'PT5M'],
    [200, 'PT0.2S'],
    [0, 'PT0S'],
    [93_600_000, 'P1DT2H'],
    [90_500, 'PT1M30.5S'],
  ])('%d ms prints as %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('names and URLs', () => {
  it.each(['a', 'prod-1', 'cert-manager', '0x', 'a'.repeat(63)])('%s is a DNS-1123 label', (n) => expect(dns1123LabelProblem(n)).toBeUndefined());
  it.each(['', 'A', 'a_b', '-a', 'a-', 'a.b', 'a'.repeat(64)])('%j is not', (n) => expect(dns1123LabelProblem(n)).toBeDefined());
  it.each([
    ['https://charts.example.com', undefined],
    ['file:///srv/bundles/{version}.yaml', undefined],
    ['ftp://x', /http/],
    ['https://user:pw@example.com', /credentials/],
    ['/relative', /absolute/],
  ])('URL %s', (u, problem) => {
    const p = urlProblem(u);
    if (problem) expect(p).toMatch(problem);
    else expect(p).toBeUndefined();
  });
});

describe('health statuses for the API', () => {
  it.each([
    ['HEALTHY', 'HEALTHY'],
    ['PROGRESSING', 'DEGRADED'],
    ['DEGRADED', 'DEGRADED'],
    ['UNHEALTHY', 'UNHEALTHY'],
    ['UNKNOWN', 'UNKNOWN'],
    ['something-else', 'UNKNOWN'],
    ['', 'UNKNOWN'],
  ])('%j answers %s', (stored, api) => expect(apiHealthStatus(stored)).toBe(api));

  it('keeps "never assessed" as null', () => {
    expect(apiHealthStatus(null)).toBeNull();
    expect(apiHealthStatus(undefined)).toBeNull();
  });
});
