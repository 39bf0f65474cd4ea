// What the benchmarks share to summarise and print: nearest-rank percentiles, medians, an
// aligned table, and a child process's CPU time and peak RSS from Linux /proc.
import { readFileSync } from 'node:fs';

/** Nearest-rank percentile (NaN for no values). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The middle value (the upper one of an even count). */
export const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Columns aligned to their widest cell: the first to the left, the others to the right. */
export function printTable(header: readonly string[], rows: readonly string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

/** CPU time (user + system, ms) and peak RSS (bytes) of a process: /proc stat ticks are 1/100 s, VmHWM the peak. */
export function processUsage(pid: number): { cpuMs: number; peakRssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!;
  return { cpuMs: (Number(stat[11]) + Number(stat[12])) * 10, peakRssBytes: Number(hwm) * 1024 };
}
