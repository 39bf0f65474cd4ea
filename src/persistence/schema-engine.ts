// Prisma's own migration engine, compiled to WebAssembly, driven over a driver adapter.
// This replaces the Prisma CLI's migrate commands, which need a native engine download.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

type WasmBindings = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');
export type SchemaEngine = Awaited<ReturnType<WasmBindings['SchemaEngine']['new']>>;

let bindings: Promise<WasmBindings> | undefined;

/** Instantiates the wasm module once per process (the package's own entry imports .wasm as ESM, which Node cannot). */
function loadBindings(): Promise<WasmBindings> {
  bindings ??= (async () => {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const glue: WasmBindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(path.join(dir, 'schema_engine_bg.wasm'));
    // WebAssembly is a Node global; the ES lib typings used here do not declare it.
    const wasmApi = (
      globalThis as unknown as { WebAssembly: { instantiate(b: Uint8Array, i: object): Promise<{ instance: { exports: Record<string, unknown> } }> } }
    ).WebAssembly;
    const { instance } = await wasmApi.instantiate(bytes, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return glue;
  })();
  return bindings;
}

export interface SchemaFile {
  path: string;
  content: string;
}

export async function openSchemaEngine(
  schema: SchemaFile,
  factory: SqlMigrationAwareDriverAdapterFactory,
  log: (message: string) => void = () => {},
): Promise<SchemaEngine> {
  const glue = await loadBindings();
  return glue.SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, (line: string) => log(line), bindMigrationAwareSqlAdapterFactory(factory));
}
