import { cp, mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migratePostgres, openDatabase } from '../../src/persistence/database.ts';
import { pgliteMigrationFactory } from '../../src/persistence/migration-adapters.ts';
import { applyMigrations } from '../../src/persistence/migrations.ts';
import { createTestDatabase } from '../helpers/databases.ts';

describe('migrations', () => {
  it('apply once on the embedded database and are idempotent, recorded in _prisma_migrations', async () => {
    const client = new PGlite();
    try {
      const first = await applyMigrations(pgliteMigrationFactory(client));
      expect(first.length).toBeGreaterThan(0);
      expect(await applyMigrations(pgliteMigrationFactory(client))).toEqual([]);
      const rows = await client.query<{ migration_name: string; finished_at: Date | null }>('SELECT migration_name, finished_at FROM _prisma_migrations');
      expect(rows.rows.map((r) => r.migration_name)).toEqual(first);
      expect(rows.rows.every((r) => r.finished_at !== null)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('surface a failing migration instead of recording it as applied', async () => {
    const dir = await mkdtemp('/tmp/om-migr-');
    await cp('prisma', dir, { recursive: true });
    await mkdir(`${dir}/migrations/29990101000000_broken`);
    await writeFile(`${dir}/migrations/29990101000000_broken/migration.sql`, 'ALTER TABLE "no_such_table" ADD COLUMN "x" TEXT;');
    const client = new PGlite();
    try {
      await expect(applyMigrations(pgliteMigrationFactory(client), dir)).rejects.toThrow(/no_such_table/);
      const rows = await client.query<{ migration_name: string; finished_at: Date | null }>(
        `SELECT migration_name, finished_at FROM _prisma_migrations WHERE migration_name LIKE '%broken'`,
      );
      expect(rows.rows.every((r) => r.finished_at === null)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('keep the embedded database across restarts and refuse a second process on the same DATA_DIR', async () => {
    const dir = await mkdtemp('/tmp/om-data-');
    const db = await openDatabase({ dataDir: dir });
    await db.prisma.auditEvent.create({ data: { actor: 'a', action: 'x', targetType: 'T' } });
    await db.close();
    const again = await openDatabase({ dataDir: dir });
    try {
      expect(again.appliedMigrations).toEqual([]);
      expect(await again.prisma.auditEvent.count()).toBe(1);
    } finally {
      await again.close();
    }
    // a lock held by another live process (pid 1 always is) is refused
    await writeFile(`${dir}/operator-manager.lock`, '1');
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/in use by process 1/);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'apply exactly once when three replicas start at the same time on PostgreSQL (skipped without TEST_DATABASE_URL)',
    async () => {
      const db = await createTestDatabase('postgres');
      try {
        const results = await Promise.all([migratePostgres(db.url!), migratePostgres(db.url!), migratePostgres(db.url!)]);
        const applied = results.flat();
        expect(new Set(applied).size).toBe(applied.length);
        expect(results.filter((r) => r.length > 0)).toHaveLength(1);
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        const { rows } = await client.query('SELECT count(*)::int AS n FROM _prisma_migrations');
        await client.end();
        expect(rows[0].n).toBe(applied.length);
      } finally {
        await db.drop();
      }
    },
  );
});
