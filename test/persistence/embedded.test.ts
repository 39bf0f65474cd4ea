// The embedded database starts with the settings the product chooses for it (smaller shared
// buffers than PostgreSQL's default, see EMBEDDED_SETTINGS), in memory and on disk, and keeps
// them across a restart. It runs in a thread of its own: a long statement does not hold the
// event loop, and errors and transactions come back through the thread as Prisma knows them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { EMBEDDED_SETTINGS, openDatabase } from '../../src/persistence/database.ts';
import { embeddedMemory } from '../../src/persistence/embedded.ts';
import { countStatements } from '../helpers/statements.ts';

describe('embedded database settings', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  const setting = async (dataDir: string, name: keyof typeof EMBEDDED_SETTINGS) => {
    const db = await openDatabase({ dataDir });
    try {
      const rows = await db.prisma.$queryRawUnsafe<Array<Record<string, string>>>(`SHOW ${name}`);
      return rows[0]?.[name];
    } finally {
      await db.close();
    }
  };

  it('applies them in memory, on a new data directory and again after a restart', async () => {
    expect(EMBEDDED_SETTINGS.shared_buffers).not.toBe('128MB'); // PostgreSQL's default
    expect(await setting('memory://', 'shared_buffers')).toBe(EMBEDDED_SETTINGS.shared_buffers);
    const dir = await mkdtemp(path.join(tmpdir(), 'om-embedded-'));
    dirs.push(dir);
    expect(await setting(dir, 'shared_buffers')).toBe(EMBEDDED_SETTINGS.shared_buffers);
    expect(await setting(dir, 'shared_buffers')).toBe(EMBEDDED_SETTINGS.shared_buffers);
  });

  it('runs statements off the event loop: timers keep firing while a statement sleeps', async () => {
    const db = await openDatabase({ dataDir: 'memory://' });
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      await db.prisma.$executeRawUnsafe('SELECT pg_sleep(1)');
      clearInterval(timer);
      // On the event loop's own thread the sleep holds it: a few ticks before and after, none during.
      expect(ticks).toBeGreaterThanOrEqual(25);
    } finally {
      await db.close();
    }
  });

  it('brings errors and transactions back through the thread as Prisma knows them, and counts statements', async () => {
    const db = await openDatabase({ dataDir: 'memory://' });
    const sql = countStatements();
    try {
      const data = { name: 'c1', environment: 'DEVELOPMENT', kubeconfigEncrypted: 'x', kubeconfigKeyId: 'k', apiServerUrl: 'https://c1' };
      await db.prisma.cluster.create({ data });
      const duplicate = await db.prisma.cluster.create({ data }).catch((e: unknown) => e);
      expect(duplicate).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
      expect((duplicate as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
      // A failing interactive transaction leaves nothing behind; a good one commits.
      await expect(
        db.prisma.$transaction(async (tx) => {
          await tx.cluster.create({ data: { ...data, name: 'c2' } });
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      await db.prisma.$transaction(async (tx) => {
        await tx.cluster.create({ data: { ...data, name: 'c3' } });
      });
      expect((await db.prisma.cluster.findMany({ orderBy: { name: 'asc' } })).map((c) => c.name)).toEqual(['c1', 'c3']);
      expect(sql.statements).toBeGreaterThanOrEqual(8);
      expect(sql.ms).toBeGreaterThan(0);
      // What the thread holds: PGlite's WebAssembly memory (at least its shared buffers) and its heap.
      const memory = await embeddedMemory();
      expect(memory.wasmBytes).toBeGreaterThan(32 * 1024 * 1024);
      expect(memory.heapUsedBytes).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});
