// Prisma CLI configuration (used by `prisma generate`; migrations run through the wasm engine).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
