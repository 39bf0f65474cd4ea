// What kind of IP address a source or webhook would connect to, for the source fence
// (fence.ts). Ranges come from ipaddr.js; IPv6 forms that carry an IPv4 address
// (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by that IPv4 address, so
// ::ffff:169.254.169.254 is as link-local as 169.254.169.254.
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * - `metadata`: link-local (169.254.0.0/16, fe80::/10) and cloud metadata (fd00:ec2::254): always refused
 * - `unspecified`: 0.0.0.0/8 and ::, which reach the local host: always refused
 * - `private`: loopback, RFC 1918, CGNAT, unique-local and every other non-public range
 * - `public`: global unicast
 */
type AddressClass = 'metadata' | 'unspecified' | 'private' | 'public';

export interface AddressVerdict {
  class: AddressClass;
  /** For messages: "a loopback address", "an IPv4-mapped form of 169.254.169.254, a link-local/cloud-metadata address". */
  description: string;
}

const AWS_METADATA_V6 = ipaddr.IPv6.parse('fd00:ec2::254');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/** The address without URL brackets or an IPv6 zone (`[fe80::1%eth0]` → `fe80::1`). */
export function bareAddress(text: string): string {
  return text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
}

/** True for an IPv4 or IPv6 literal (brackets allowed), false for a host name. */
export function isIpLiteral(host: string): boolean {
  return isIP(bareAddress(host)) !== 0;
}

/** What each range of ipaddr.js (IPv4 and IPv6 names) means for the fence; any other range is non-public. */
const RANGES: Record<string, AddressVerdict> = {
  unicast: { class: 'public', description: 'a public address' },
  linkLocal: { class: 'metadata', description: 'a link-local/cloud-metadata address' },
  unspecified: { class: 'unspecified', description: 'an unspecified address' },
  loopback: { class: 'private', description: 'a loopback address' },
  private: { class: 'private', description: 'a private-network address' },
  carrierGradeNat: { class: 'private', description: 'a carrier-grade NAT (100.64.0.0/10) address' },
  uniqueLocal: { class: 'private', description: 'a unique-local (private) address' },
};

const verdictOfRange = (range: string): AddressVerdict => RANGES[range] ?? { class: 'private', description: `a non-public (${range}) address` };

function describeV4(ip: ipaddr.IPv4): AddressVerdict {
  return verdictOfRange(ip.range());
}

/** The IPv4 address an IPv6 address stands for, when it is one of the forms that embed one. */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = ip.parts;
  const last32 = () => new ipaddr.IPv4([p[6]! >> 8, p[6]! & 0xff, p[7]! >> 8, p[7]! & 0xff]);
  const range = ip.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145') return last32();
  if (ip.match(NAT64_WELL_KNOWN)) return last32();
  if (range === '6to4') return new ipaddr.IPv4([p[1]! >> 8, p[1]! & 0xff, p[2]! >> 8, p[2]! & 0xff]);
  // IPv4-compatible ::a.b.c.d (deprecated, but some stacks still route it); :: and ::1 are not.
  if (p.slice(0, 6).every((part) => part === 0) && (p[6] !== 0 || p[7]! > 1)) return last32();
  return undefined;
}

function describeV6(ip: ipaddr.IPv6): AddressVerdict {
  if (ip.toNormalizedString() === AWS_METADATA_V6.toNormalizedString()) return RANGES.linkLocal!;
  const v4 = embeddedIPv4(ip);
  if (v4) {
    const inner = describeV4(v4);
    const form = ip.range() === 'ipv4Mapped' ? 'an IPv4-mapped form' : 'an IPv6 form';
    return { class: inner.class, description: `${form} of ${v4.toString()}, ${inner.description}` };
  }
  return verdictOfRange(ip.range());
}

/** The class of an IP literal, or undefined when `text` is not one. */
export function classifyAddress(text: string): AddressVerdict | undefined {
  const bare = bareAddress(text);
  const family = isIP(bare);
  if (family === 4) return describeV4(ipaddr.IPv4.parse(bare));
  if (family === 6) return describeV6(ipaddr.IPv6.parse(bare));
  return undefined;
}
