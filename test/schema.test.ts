// Generated artefacts stay in step with their sources: schema.graphql with the Pothos code,
// the typed test documents with schema.graphql, the migrations with schema.prisma.
import { readFile } from 'node:fs/promises';
import { generate } from '@graphql-codegen/cli';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../src/api/schema/index.ts';
import { pgliteMigrationFactory } from '../src/persistence/migration-adapters.ts';
import { migrationDrift } from '../src/persistence/migrations.ts';
import codegenConfig from '../codegen.ts';

describe('generated artefacts', () => {
  it('schema.graphql is the schema printed from the code (run `npm run schema`)', async () => {
    expect(await readFile('schema.graphql', 'utf8')).toBe(printedSchema());
  });

  it('test/generated/graphql.ts is what codegen makes of schema.graphql (run `npm run codegen`)', async () => {
    const [output] = await generate({ ...codegenConfig, silent: true }, false);
    expect(output?.filename).toBe('test/generated/graphql.ts');
    expect(await readFile('test/generated/graphql.ts', 'utf8')).toBe(output?.content);
  });

  it('prisma/migrations produce exactly schema.prisma (run `npm run migrate -- create <name>`)', async () => {
    const scratch = new PGlite();
    try {
      expect(await migrationDrift(pgliteMigrationFactory(scratch))).toBe('');
    } finally {
      await scratch.close();
    }
  });

  it('detects drift when schema.prisma changes without a migration', async () => {
    const { cp, writeFile, mkdtemp } = await import('node:fs/promises');
    const dir = await mkdtemp('/tmp/om-drift-');
    await cp('prisma', dir, { recursive: true });
    const schema = await readFile(`${dir}/schema.prisma`, 'utf8');
    await writeFile(`${dir}/schema.prisma`, schema.replace('model Operator {', 'model Operator {\n  extraColumn String?'));
    const scratch = new PGlite();
    try {
      expect(await migrationDrift(pgliteMigrationFactory(scratch), dir)).toMatch(/ALTER TABLE "operators" ADD COLUMN\s+"extraColumn" TEXT/);
    } finally {
      await scratch.close();
    }
  });
});
