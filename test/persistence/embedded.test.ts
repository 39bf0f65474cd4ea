// The embedded database starts with the settings the product chooses for it (smaller shared
// buffers than PostgreSQL's default, see EMBEDDED_SETTINGS), in memory and on disk, and keeps
// them across a restart.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EMBEDDED_SETTINGS, openDatabase } from '../../src/persistence/database.ts';

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
});
