// npm run migrate                 apply pending migrations to the configured database
// npm run migrate -- create NAME  write a new migration from the drift between schema.prisma and prisma/migrations
// npm run migrate -- check        exit 1 when schema.prisma and the migrations disagree
import { PGlite } from '@electric-sql/pglite';
import { loadConfig } from '../config/index.ts';
import { pgliteMigrationFactory } from './migration-adapters.ts';
import { createMigration, migrationDrift } from './migrations.ts';
import { openDatabase } from './database.ts';

async function main(): Promise<number> {
  const [command = 'deploy', name] = process.argv.slice(2);
  if (command === 'create' || command === 'check') {
    const scratch = new PGlite();
    try {
      if (command === 'check') {
        const drift = await migrationDrift(pgliteMigrationFactory(scratch));
        if (drift.trim()) {
          console.error(`schema.prisma and prisma/migrations differ; run \`npm run migrate -- create <name>\`:\n${drift}`);
          return 1;
        }
        console.log('migrations match schema.prisma');
        return 0;
      }
      if (!name) {
        console.error('usage: npm run migrate -- create <name>');
        return 2;
      }
      const dir = await createMigration(pgliteMigrationFactory(scratch), name);
      console.log(dir ? `created ${dir}` : 'no changes: migrations already match schema.prisma');
      return 0;
    } finally {
      await scratch.close();
    }
  }
  if (command !== 'deploy') {
    console.error(`unknown command "${command}" (deploy | create NAME | check)`);
    return 2;
  }
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, migrate: true });
  await db.close();
  console.log(db.appliedMigrations.length ? `applied ${db.appliedMigrations.join(', ')}` : 'database is up to date');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
