// String formats the API server checks for custom resources. Formats it does not know
// (int32, int64, float, double, or anything made up) are annotations and never fail;
// the few it knows that we do not implement (isbn, creditcard, ssn) are skipped too,
// which can only make us more lenient than the server, never stricter.

import { isIPv4, isIPv6 } from 'node:net';

export type FormatCheck = (value: string) => boolean;

const re =
  (r: RegExp): FormatCheck =>
  (v) =>
    r.test(v);

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
// RFC 3339 with the variants Go's strfmt accepts (lower-case t/z, optional fraction, no offset).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\.?$/i;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAC = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$|^([0-9a-f]{4}\.){2}[0-9a-f]{4}$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Go durations ("1h30m", "500ms") or strfmt's long form ("3 days", "1 week").
const DURATION =
  /^([+-]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$|^0$|^\d+\s*(ns|us|µs|ms|s|m|h|d|w|sec|secs|second|seconds|min|mins|minute|minutes|hour|hours|day|days|week|weeks)$/;

function cidr(v: string): boolean {
  const slash = v.indexOf('/');
  if (slash < 0) return false;
  const ip = v.slice(0, slash);
  const bits = v.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  const n = Number(bits);
  return (isIPv4(ip) && n <= 32) || (isIPv6(ip) && n <= 128);
}

function uri(v: string): boolean {
  // Go's url.ParseRequestURI: an absolute URI or an absolute path.
  if (v.startsWith('/')) return !/\s/.test(v);
  try {
    new URL(v);
    return true;
  } catch {
    return false;
  }
}

const checkers: Record<string, FormatCheck> = {
  'date-time': re(DATE_TIME),
  datetime: re(DATE_TIME),
  date: re(DATE),
  uuid: re(UUID),
  uuid3: re(UUID),
  uuid4: re(UUID),
  uuid5: re(UUID),
  ipv4: isIPv4,
  ipv6: isIPv6,
  cidr,
  mac: re(MAC),
  hostname: re(HOSTNAME),
  email: re(EMAIL),
  uri,
  byte: re(BASE64),
  duration: re(DURATION),
  hexcolor: re(/^#?([0-9a-f]{3}|[0-9a-f]{6})$/i),
  rgbcolor: re(/^rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)$/),
  bsonobjectid: re(/^[0-9a-f]{24}$/i),
};

/** The checker for a format, or undefined when the format does not constrain values. */
export function formatChecker(format: string): FormatCheck | undefined {
  return checkers[format];
}

/** Formats whose change or addition can reject existing values (used by compatibility). */
export function isValidatedFormat(format: string | undefined): boolean {
  return format !== undefined && format in checkers;
}
