// Validity of PEM certificates (webhook caBundles and serving certificates), with the
// X509 parser built into Node.

import { X509Certificate } from 'node:crypto';

export interface CertificateProblem {
  /** Clearly broken (expired, not yet valid, unreadable): waiting will not help. */
  failed: boolean;
  detail: string;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle; throws when there is none or one is unreadable. */
function parseCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate found');
  return blocks.map((block) => new X509Certificate(block));
}

function subjectName(cert: X509Certificate): string {
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
  return cn ? `"${cn}"` : `with serial ${cert.serialNumber}`;
}

const DAY_MS = 86_400_000;

/**
 * The first problem of a PEM bundle at `now`: unreadable, expired or not yet valid.
 * A bundle is judged by all its certificates: one expired CA in a caBundle is enough to
 * break verification of what it signed, and we cannot tell which one signed the server.
 */
export function certificateProblem(pem: string, now: Date, what: string): CertificateProblem | undefined {
  let certs: X509Certificate[];
  try {
    certs = parseCertificates(pem);
  } catch (err) {
    return { failed: true, detail: `${what} is not a readable PEM certificate (${(err as Error).message})` };
  }
  for (const cert of certs) {
    const notAfter = new Date(cert.validTo);
    const notBefore = new Date(cert.validFrom);
    if (notAfter.getTime() < now.getTime()) {
      const days = Math.floor((now.getTime() - notAfter.getTime()) / DAY_MS);
      return { failed: true, detail: `${what} certificate ${subjectName(cert)} expired ${notAfter.toISOString()} (${days} days ago)` };
    }
    if (notBefore.getTime() > now.getTime()) {
      return { failed: true, detail: `${what} certificate ${subjectName(cert)} is not valid before ${notBefore.toISOString()}` };
    }
  }
  return undefined;
}

/** Days until the first certificate of the bundle expires (for messages); undefined when unreadable. */
export function daysUntilExpiry(pem: string, now: Date): number | undefined {
  try {
    const first = Math.min(...parseCertificates(pem).map((c) => new Date(c.validTo).getTime()));
    return Math.floor((first - now.getTime()) / DAY_MS);
  } catch {
    return undefined;
  }
}
