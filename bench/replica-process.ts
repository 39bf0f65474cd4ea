// Another replica of the product in a child process (`src/main.ts`), on the same PostgreSQL
// as the benchmark's own app: it takes cluster steps like any replica (src/rollout/step-queue.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ReplicaProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a replica with `env` (database, secrets, engine settings) and waits until it listens. */
export async function startReplicaProcess(env: Record<string, string>): Promise<ReplicaProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', MIGRATE_ON_START: 'false', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('Operator Manager listening')) {
        child.stdout!.off('data', onData);
        // Keep reading (and dropping) its log so the pipe never fills.
        child.stdout!.resume();
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`replica exited with ${code}: ${text.slice(-500)}`)));
  });
  return {
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
