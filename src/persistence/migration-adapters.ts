// Driver adapter factories for Prisma's schema engine (migrations), with the fixes the
// stock adapters need (see STACK-NOTES "Prisma 7 offline"):
// - pglite-prisma-adapter 0.7.2 does not await `exec` in executeScript, so a failing
//   migration would be recorded as applied; we await it and surface the error.
// - its shadow database is never closed; ours is closed on dispose.
// - @prisma/adapter-pg given a connection string uses the main database as shadow; we use
//   an in-memory PGlite as the shadow database for PostgreSQL too (diffs only need a
//   scratch PostgreSQL; applying migrations never touches the shadow).
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PGLITE_ADAPTER_NAME } from './embedded-protocol.ts';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

/**
 * The schema engine reports a failed migration script only as "External error id#N";
 * factories remember the driver's own error so callers can say what went wrong.
 */
export interface MigrationFactory extends SqlMigrationAwareDriverAdapterFactory {
  lastScriptError?: Error;
}

/** Wraps a PGlite-backed adapter so executeScript awaits the script and dispose closes what we opened. */
function fixPgliteAdapter(adapter: SqlDriverAdapter, client: PGlite, closeOnDispose: boolean, owner?: MigrationFactory): SqlDriverAdapter {
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      if (prop === 'executeScript') {
        return async (script: string) => {
          try {
            await client.exec(script);
          } catch (err) {
            if (owner) owner.lastScriptError = err as Error;
            throw err;
          }
        };
      }
      if (prop === 'dispose') {
        return async () => {
          if (closeOnDispose && !client.closed) await client.close();
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

// PGlite and its adapter are loaded when a shadow database or a scratch one is wanted (creating
// or checking migrations), not by every process that applies them.
const pgliteModules = async () => ({
  PGlite: (await import('@electric-sql/pglite')).PGlite,
  PrismaPGlite: (await import('pglite-prisma-adapter')).PrismaPGlite,
});

async function pgliteShadow(): Promise<SqlDriverAdapter> {
  const { PGlite, PrismaPGlite } = await pgliteModules();
  const shadow = new PGlite();
  const adapter = await new PrismaPGlite(shadow).connect();
  return fixPgliteAdapter(adapter, shadow, true);
}

/** Migration adapter over an open PGlite database (not closed by the engine). */
export function pgliteMigrationFactory(client: PGlite): MigrationFactory {
  const factory: MigrationFactory = {
    provider: 'postgres',
    adapterName: PGLITE_ADAPTER_NAME,
    connect: async () => fixPgliteAdapter(await new (await pgliteModules()).PrismaPGlite(client).connect(), client, false, factory),
    connectToShadowDb: pgliteShadow,
  };
  return factory;
}

/** Migration adapter over a PostgreSQL connection string; the shadow database is an in-memory PGlite. */
export function pgMigrationFactory(connectionString: string): MigrationFactory {
  return recordingScriptErrors(new PrismaPg({ connectionString, max: 2 }));
}

/**
 * Migration adapter over any driver-adapter factory (PostgreSQL's, the embedded database's
 * thread in embedded.ts) that remembers a failing script's error; the shadow database is an
 * in-memory PGlite.
 */
export function recordingScriptErrors(inner: SqlDriverAdapterFactory): MigrationFactory {
  const factory: MigrationFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => {
      const adapter = await inner.connect();
      const executeScript = adapter.executeScript.bind(adapter);
      adapter.executeScript = async (script: string) => {
        try {
          await executeScript(script);
        } catch (err) {
          factory.lastScriptError = err as Error;
          throw err;
        }
      };
      return adapter;
    },
    connectToShadowDb: pgliteShadow,
  };
  return factory;
}
