// Compiles src/ to dist/ (what `npm start` runs: plain JavaScript, no TypeScript loader in
// the process, about 100 MB less memory than running the sources through tsx). `npm start`
// calls it every time: with no file of src/ newer than the last build it returns at once,
// otherwise tsc builds incrementally, so a start never runs a stale build. Files tsc does
// not emit (the GraphiQL page's script) are copied beside. `--force` builds regardless.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Written after every successful build (tsc leaves its own build info untouched when no output changed). */
const STAMP = path.join(root, 'dist', '.built');

/** Newest modification time of the files under `dir` (0 when there is none). */
function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) t = Math.max(t, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return t;
}

// Nothing newer in src/ (or the build settings) than the last build: nothing to do.
const stamp = (() => {
  try {
    return statSync(STAMP).mtimeMs;
  } catch {
    return 0;
  }
})();
const inputs = Math.max(
  newest(path.join(root, 'src')),
  statSync(path.join(root, 'tsconfig.json')).mtimeMs,
  statSync(path.join(root, 'tsconfig.build.json')).mtimeMs,
);
if (stamp > 0 && inputs < stamp && process.argv[2] !== '--force') process.exit(0);

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error('build failed: src/ does not compile (see above)');
  process.exit(r.status ?? 1);
}
for (const asset of ['api/graphiql/init.js']) {
  mkdirSync(path.dirname(path.join(root, 'dist', asset)), { recursive: true });
  copyFileSync(path.join(root, 'src', asset), path.join(root, 'dist', asset));
}
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
