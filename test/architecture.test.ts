// The layers of src/ point one way (docs/architecture.md): every relative import of every
// source file is checked against the table below, read with TypeScript's own pre-processor
// (static imports, re-exports and dynamic imports alike).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** What each folder of src/ may import besides itself. Files directly in src/ (main, app, demo) wire everything. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  api: ['services', 'auth', 'domain', 'config', 'observability', 'generated'],
  services: ['rollout', 'crd', 'sources', 'notifications', 'kube', 'persistence', 'auth', 'domain', 'config', 'observability', 'generated'],
  rollout: ['crd', 'sources', 'kube', 'persistence', 'domain', 'config', 'observability', 'generated'],
  notifications: ['sources', 'domain', 'config', 'observability', 'generated'],
  crd: ['kube', 'domain'],
  sources: ['kube', 'domain', 'config', 'observability'],
  persistence: ['kube', 'domain', 'config', 'observability', 'generated'],
  kube: ['domain', 'config', 'observability'],
  auth: ['domain', 'config'],
  observability: ['config', 'domain'],
  config: ['domain'],
  domain: [],
  // The simulated fleet is a tool beside the product: it shares the kube layer's object types and crd's validation.
  sandbox: ['kube', 'crd', 'domain', 'config', 'observability'],
  generated: ['generated'],
};

const ROOT = '(root)';

/** The folder of src/ a path lies in; files directly in src/ are the root. */
function layerOf(file: string): string {
  const rel = path.relative(SRC, file);
  if (rel.startsWith('..')) return '(outside src)';
  const parts = rel.split(path.sep);
  return parts.length === 1 ? ROOT : parts[0]!;
}

interface Violation {
  file: string;
  imports: string;
  rule: string;
}

/** Imports that point the wrong way, for the given sources (absolute path → text). */
function violations(files: ReadonlyMap<string, string>): Violation[] {
  const found: Violation[] = [];
  for (const [file, text] of files) {
    const from = layerOf(file);
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), fileName);
      const to = layerOf(target);
      if (to === from) continue;
      const allowed = from === ROOT ? to !== '(outside src)' : (MAY_IMPORT[from] ?? []).includes(to);
      if (!allowed) {
        found.push({
          file: path.relative(SRC, file),
          imports: path.relative(SRC, target),
          rule: `${from} may import ${MAY_IMPORT[from]?.join(', ') || 'nothing outside itself'}`,
        });
      }
    }
  }
  return found;
}

function sources(dir: string, out = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sources(full, out);
    else if (/\.(ts|js)$/.test(entry.name)) out.set(full, readFileSync(full, 'utf8'));
  }
  return out;
}

describe('layers', () => {
  it('every import of src/ points the way docs/architecture.md draws', () => {
    const files = sources(SRC);
    expect(files.size).toBeGreaterThan(100);
    expect(violations(files)).toEqual([]);
  });

  it('every folder of src/ has a rule', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.filter((f) => !(f in MAY_IMPORT))).toEqual([]);
  });

  it('the rules have no cycle between layers', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const cycles: string[] = [];
    const visit = (layer: string, trail: string[]) => {
      if (done.has(layer)) return;
      if (visiting.has(layer)) {
        cycles.push([...trail, layer].join(' → '));
        return;
      }
      visiting.add(layer);
      for (const next of MAY_IMPORT[layer] ?? []) if (next !== layer) visit(next, [...trail, layer]);
      visiting.delete(layer);
      done.add(layer);
    };
    for (const layer of Object.keys(MAY_IMPORT)) visit(layer, []);
    expect(cycles).toEqual([]);
  });

  it.each([
    ['src/rollout/driver.ts', "import { isTerminal } from '../services/deployments.ts';", 'services/deployments.ts'],
    ['src/kube/client.ts', "export { x } from '../rollout/engine.ts';", 'rollout/engine.ts'],
    ['src/api/schema/crd.ts', "const m = await import('../../crd/index.ts');", 'crd/index.ts'],
    ['src/domain/model.ts', "import type { Config } from '../config/index.ts';", 'config/index.ts'],
  ])('finds an import that points the wrong way: %s → %s', (file, text, target) => {
    const found = violations(new Map([[path.join(SRC, path.relative('src', file)), text]]));
    expect(found.map((v) => v.imports)).toEqual([target]);
  });

  it('lets the allowed directions and the composition root through', () => {
    const files = new Map([
      [path.join(SRC, 'services/deployments.ts'), "import { planRollout } from '../rollout/strategies/plan.ts';"],
      [path.join(SRC, 'rollout/driver.ts'), "import type { Deployment } from '../generated/prisma/client.ts'; import { x } from './ports.ts';"],
      [path.join(SRC, 'app.ts'), "import { createApiServer } from './api/server.ts'; import { RolloutEngine } from './rollout/engine.ts';"],
    ]);
    expect(violations(files)).toEqual([]);
  });
});
