// Reading a few top-level fields of a large JSON object without decoding or parsing the rest.
// A CRD's apply answer is megabytes (its schema), but the executor keeps only its metadata and
// status: decoding all of it to a string and parsing it costs tens of milliseconds per
// cluster, and the garbage after. Here the bytes are scanned for the extent of each top-level
// value — strings skipped with a native byte search, nesting counted — and only the wanted
// values are decoded and parsed. Linear in the input; malformed input throws (whatever the
// scanner accepts, JSON.parse still checks each value it is given).

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

class Malformed extends Error {
  constructor(at: number, what: string) {
    super(`not a JSON object: ${what} at byte ${at}`);
  }
}

function skipSpace(bytes: Buffer, i: number): number {
  while (isSpace(bytes[i])) i++;
  return i;
}

/** The index just past the string that starts at `i` (an opening quote). */
function endOfString(bytes: Buffer, i: number): number {
  for (let at = i + 1; ; ) {
    const quote = bytes.indexOf(QUOTE, at);
    if (quote === -1) throw new Malformed(i, 'unterminated string');
    let backslashes = 0;
    for (let j = quote - 1; bytes[j] === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

/** The index just past the value that starts at `i`. */
function endOfValue(bytes: Buffer, i: number): number {
  const first = bytes[i];
  if (first === QUOTE) return endOfString(bytes, i);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let at = i; at < bytes.length; ) {
      const b = bytes[at];
      if (b === QUOTE) at = endOfString(bytes, at);
      else {
        if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
        else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
          depth--;
          if (depth === 0) return at + 1;
        }
        at++;
      }
    }
    throw new Malformed(i, 'unterminated object or array');
  }
  // A number, true, false or null: up to the next delimiter.
  let at = i;
  while (at < bytes.length && bytes[at] !== COMMA && bytes[at] !== CLOSE_BRACE && !isSpace(bytes[at])) at++;
  if (at === i) throw new Malformed(i, 'missing value');
  return at;
}

/**
 * The top-level fields of the JSON object in `bytes` whose names are in `wanted`, parsed;
 * every other field is skipped unread. Throws on input that is not a JSON object.
 */
export function readTopLevelFields(bytes: Buffer, wanted: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let i = skipSpace(bytes, 0);
  if (bytes[i] !== OPEN_BRACE) throw new Malformed(i, 'expected {');
  i = skipSpace(bytes, i + 1);
  if (bytes[i] === CLOSE_BRACE) return out;
  for (;;) {
    if (bytes[i] !== QUOTE) throw new Malformed(i, 'expected a field name');
    const keyEnd = endOfString(bytes, i);
    const key = JSON.parse(bytes.toString('utf8', i, keyEnd)) as string;
    i = skipSpace(bytes, keyEnd);
    if (bytes[i] !== COLON) throw new Malformed(i, 'expected :');
    const start = skipSpace(bytes, i + 1);
    const end = endOfValue(bytes, start);
    if (wanted.has(key)) out[key] = JSON.parse(bytes.toString('utf8', start, end));
    i = skipSpace(bytes, end);
    if (bytes[i] === COMMA) i = skipSpace(bytes, i + 1);
    else if (bytes[i] === CLOSE_BRACE) break;
    else throw new Malformed(i, 'expected , or }');
  }
  if (skipSpace(bytes, i + 1) !== bytes.length) throw new Malformed(i + 1, 'text after the object');
  return out;
}
