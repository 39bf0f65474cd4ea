import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { AliasExpansionError, expandedSize } from '../../src/domain/yaml-aliases.ts';
import { aliasBombLines } from '../helpers/kubeconfigs.ts';

describe('size of YAML with its aliases expanded', () => {
  it('counts characters of strings and keys plus one per node', () => {
    expect(expandedSize(yaml.load('a: bc\nd: [1, "e"]\n'), 1000)).toBe(1 + (1 + 3) + (1 + 1 + 1 + 2));
  });

  it('counts a shared node once per alias, as whoever expands it would see it', () => {
    const shared = yaml.load('a: &x {k: vvvv}\nb: *x\nc: *x\n') as Record<string, unknown>;
    expect(shared.a).toBe(shared.b);
    expect(expandedSize(shared, 1000)).toBe(1 + 3 * (1 + (1 + 1 + 5))); // each key, and the shared {k: vvvv} again
  });

  it('stops at the limit without expanding a bomb', () => {
    const bomb = yaml.load(aliasBombLines(''));
    const started = Date.now();
    let error: unknown;
    try {
      expandedSize(bomb, 256 * 1024);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AliasExpansionError);
    expect(error).toMatchObject({ reason: 'too-large', message: 'expands to more than 262144 bytes through YAML aliases' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses an alias inside the node it names', () => {
    expect(() => expandedSize(yaml.load('a: &a {self: *a}\n'), 1000)).toThrow(
      expect.objectContaining({ reason: 'recursive', message: expect.stringMatching(/recursive structure/) }),
    );
  });
});
