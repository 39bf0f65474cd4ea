// The CRD-safety part of `npm run demo`: Widgets that exist in the fleet, a version whose
// CRD change would break them, the operations that show the upgrade stopped for an ADMIN's
// approval, and a local webhook receiver that prints the approval notifications.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sandbox } from './sandbox/index.ts';

/** The demo operator version whose CRD change breaks existing Widgets. */
export const CRD_BREAKING_VERSION = 'v2.0.0';

/** Widgets created in the fleet after the baseline: none has a color, all use `size`. */
const DEMO_WIDGETS = [
  { cluster: 'dev-1', name: 'checkout', size: 3 },
  { cluster: 'dev-1', name: 'search', size: 1 },
  { cluster: 'dev-2', name: 'payments', size: 2 },
  { cluster: 'staging-1', name: 'checkout', size: 3 },
] as const;

export function seedWidgets(sandbox: Sandbox): void {
  for (const w of DEMO_WIDGETS) {
    sandbox.cluster(w.cluster).objects.put({
      apiVersion: 'demo.operator-manager.io/v1',
      kind: 'Widget',
      metadata: { name: w.name, namespace: 'default' },
      spec: { size: w.size },
    });
  }
}

export interface CrdOperations {
  /** validateCrdCompatibility for the breaking version (nothing changes). */
  check: string;
  /** The upgrade, to run as the OPERATOR: stops in PENDING_APPROVAL with a CRD_CHANGE approval. */
  upgrade: string;
  /** CRD_CHANGE approvals and what they are about. */
  pending: string;
  /** reject(id) — what an ADMIN should do here. */
  reject: string;
}

export function crdOperations(operator: string, clusters: string[]): CrdOperations {
  const list = `[${clusters.map((c) => JSON.stringify(c)).join(', ')}]`;
  return {
    check: `mutation CrdCheck {
  validateCrdCompatibility(operatorName: "${operator}", targetVersion: "${CRD_BREAKING_VERSION}") {
    compatible requiresApproval
    findings { crdName version fieldPath changeType severity message }
    affectedObjects { clusterName kind namespace name fieldPath reason }
  }
}`,
    upgrade: `mutation CrdUpgrade {
  createDeployment(input: {
    operatorName: "${operator}", targetVersion: "${CRD_BREAKING_VERSION}", strategy: ROLLING
    targetClusters: ${list}
  }) { id status }
}`,
    pending: `query CrdApprovals {
  approvals(status: PENDING) {
    id kind requestedBy status
    deployment { id status targetVersion crdReport { requiresApproval affectedObjects { clusterName namespace name fieldPath reason } } }
    notifications { channel target status sentAt }
  }
}`,
    reject: `mutation Reject($id: ID!) {
  reject(id: $id, reason: "Widgets have no color yet; migrate them first") { id status decidedBy deployment { status errorMessage } }
}`,
  };
}

export interface Inbox {
  url: string;
  received: Array<{ text: string }>;
  close(): Promise<void>;
}

/** A webhook receiver on loopback that prints every notification it gets (the demo's "Slack"). */
export async function startInbox(print: (line: string) => void): Promise<Inbox> {
  const received: Array<{ text: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      try {
        const message = JSON.parse(body) as { text: string };
        received.push(message);
        print(`\n📨 notification received by the demo webhook: ${message.text}\n`);
      } catch {
        // not a notification
      }
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function renderCrdStory(o: {
  operations: CrdOperations;
  operatorHeader: string;
  adminHeader: string;
  indent: (text: string, by?: string) => string;
}): string {
  const { operations: op, indent } = o;
  return `5. See a breaking CRD upgrade stopped before it touches a cluster:
   ${CRD_BREAKING_VERSION} renames Widget's spec.size and makes spec.color required; the fleet holds
   Widgets without a color (dev-1: checkout, search; dev-2: payments; staging-1: checkout).
   a. Ask what it would break (changes nothing):
${indent(op.check, '        ')}
   b. As olga (OPERATOR), start it — switch the header to ${o.operatorHeader}
${indent(op.upgrade, '        ')}
      It stops in PENDING_APPROVAL with a CRD_CHANGE approval; the notification appears in this terminal.
   c. As admin (header ${o.adminHeader}), see the report and who was notified:
${indent(op.pending, '        ')}
      then reject it (Variables {"id": "<the approval id>"}) — or approve it with the approve mutation of step 4:
${indent(op.reject, '        ')}
`;
}
