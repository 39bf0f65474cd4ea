// ISO-8601 durations as the API and configuration use them (PT5M, PT0.2S, P1DT2H).

const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of an ISO-8601 duration, or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const m = ISO_DURATION.exec(text.trim().toUpperCase());
  if (!m || text.trim().toUpperCase() === 'P' || text.trim().toUpperCase().endsWith('T')) return undefined;
  const [, w, d, h, min, s] = m.map((v) => (v === undefined ? 0 : Number(v))) as number[];
  const ms = ((((w! * 7 + d!) * 24 + h!) * 60 + min!) * 60 + s!) * 1000;
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** The shortest ISO-8601 form of a duration in milliseconds (PT0S, PT1M30S, PT0.2S). */
export function formatDuration(ms: number): string {
  if (ms <= 0) return 'PT0S';
  let rest = ms / 1000;
  const d = Math.floor(rest / 86400);
  rest -= d * 86400;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  rest = Math.round((rest - m * 60) * 1000) / 1000;
  let out = `P${d ? `${d}D` : ''}`;
  const time = (h ? `${h}H` : '') + (m ? `${m}M` : '') + (rest ? `${rest}S` : '');
  if (time) out += `T${time}`;
  return out === 'P' ? 'PT0S' : out;
}
