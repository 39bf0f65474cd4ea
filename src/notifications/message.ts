// What an approval notification says. One summary line feeds the Slack-compatible `text`,
// the email subject and the first line of the email body; the webhook JSON also carries
// the facts as fields so that receivers other than Slack need not parse text. Pure.

export interface ApprovalFacts {
  id: string;
  kind: string;
  status: string;
  environment: string | null;
  requestedBy: string;
  deploymentId: string | null;
  /** For CRD_CHANGE: the CRD compatibility report (or `{ report }` / `{ crdReport }` around it). */
  details: unknown;
  deployment: { operatorName: string; targetVersion: string; targetClusters: string[] } | null;
}

export interface WebhookPayload {
  /** Slack-compatible text (mrkdwn, `&<>` escaped, link as `<url|label>`). */
  text: string;
  approval: {
    id: string;
    kind: string;
    status: string;
    environment: string | null;
    requestedBy: string;
    deploymentId: string | null;
    operatorName: string | null;
    targetVersion: string | null;
    targetClusters: string[];
    breakingFindings?: number;
    affectedObjects?: number;
    link?: string;
  };
}

export interface ApprovalMessage {
  summary: string;
  subject: string;
  emailText: string;
  payload: WebhookPayload;
}

const CLUSTERS_IN_SUMMARY = 5;
const LINES_IN_EMAIL = 10;

export function approvalMessage(facts: ApprovalFacts, publicUrl?: string): ApprovalMessage {
  const crd = facts.kind === 'CRD_CHANGE' ? crdSummary(facts.details) : undefined;
  const summary = oneLine(summaryOf(facts, crd));
  const link = publicUrl ? reviewLink(publicUrl, facts) : undefined;
  const d = facts.deployment;
  const text = [
    `:warning: ${slackEscape(summary)}`,
    link ? `<${link}|Review in Operator Manager>` : undefined,
    `Approve or reject: \`approve(id: "${facts.id}")\` / \`reject(id: "${facts.id}", reason: "…")\``,
  ]
    .filter((line) => line !== undefined)
    .join('\n');
  return {
    summary,
    subject: truncate(`[Operator Manager] ${summary}`, 200),
    emailText: emailBody(facts, summary, crd, link),
    payload: {
      text,
      approval: {
        id: facts.id,
        kind: facts.kind,
        status: facts.status,
        environment: facts.environment,
        requestedBy: facts.requestedBy,
        deploymentId: facts.deploymentId,
        operatorName: d?.operatorName ?? null,
        targetVersion: d ? displayVersion(d.targetVersion) : null,
        targetClusters: d?.targetClusters ?? [],
        ...(crd ? { breakingFindings: crd.breakingFindings, affectedObjects: crd.affectedObjects } : {}),
        ...(link ? { link } : {}),
      },
    },
  };
}

function summaryOf(facts: ApprovalFacts, crd: CrdSummary | undefined): string {
  const d = facts.deployment;
  if (!d) return `Approval needed: ${facts.kind} approval ${facts.id} requested by ${facts.requestedBy}`;
  const what = `${d.operatorName} ${displayVersion(d.targetVersion)} → ${clusterList(d.targetClusters)}`;
  if (facts.kind === 'CRD_CHANGE') {
    const counts = crd ? `${plural(crd.breakingFindings, 'breaking finding')}, ${crd.affectedObjectsText}; ` : 'breaking CRD change ';
    return `Approval needed: CRD change in ${what} (${counts}requested by ${facts.requestedBy})`;
  }
  return `Approval needed: ${what} (${facts.environment ?? 'unknown environment'} deployment requested by ${facts.requestedBy})`;
}

function emailBody(facts: ApprovalFacts, summary: string, crd: CrdSummary | undefined, link: string | undefined): string {
  const d = facts.deployment;
  const rows: [string, string | undefined][] = [
    ['Kind', facts.kind],
    ['Environment', facts.environment ?? undefined],
    ['Operator', d?.operatorName],
    ['Version', d ? displayVersion(d.targetVersion) : undefined],
    ['Clusters', d?.targetClusters.join(', ')],
    ['Requested by', facts.requestedBy],
    ['Deployment', facts.deploymentId ?? undefined],
    ['Approval', facts.id],
    ['Breaking findings', crd ? String(crd.breakingFindings) : undefined],
    ['Affected objects', crd?.affectedObjectsText],
  ];
  const lines = [summary, ''];
  for (const [label, value] of rows) if (value) lines.push(`${`${label}:`.padEnd(19)}${value}`);
  if (crd && crd.findingLines.length > 0) lines.push('', 'Breaking findings:', ...crd.findingLines.map((l) => `  - ${l}`));
  if (crd && crd.objectLines.length > 0) lines.push('', 'Objects that would break:', ...crd.objectLines.map((l) => `  - ${l}`));
  lines.push('');
  if (link) lines.push(`Review: ${link}`);
  lines.push(`Approve or reject with the GraphQL mutations approve(id: "${facts.id}") or reject(id: "${facts.id}", reason: "…").`);
  return `${lines.join('\n')}\n`;
}

interface CrdSummary {
  breakingFindings: number;
  affectedObjects: number;
  affectedObjectsText: string;
  findingLines: string[];
  objectLines: string[];
}

/** Counts from a CRD compatibility report, read defensively: `details` is JSON written by another layer. */
function crdSummary(details: unknown): CrdSummary | undefined {
  const report = [details, field(details, 'report'), field(details, 'crdReport')].find(
    (r) => Array.isArray(field(r, 'findings')) || Array.isArray(field(r, 'affectedObjects')),
  );
  if (report === undefined) return undefined;
  const findings = arrayField(report, 'findings').filter((f) => field(f, 'severity') === 'BREAKING');
  const objects = arrayField(report, 'affectedObjects').filter((o) => field(o, 'category') !== 'NOT_CHECKED' && field(o, 'preexisting') !== true);
  const distinct = new Set(objects.map((o) => ['clusterName', 'kind', 'namespace', 'name'].map((k) => String(field(o, k) ?? '')).join('/')));
  const truncated = Number(field(report, 'affectedObjectsTruncated') ?? 0) > 0;
  return {
    breakingFindings: findings.length,
    affectedObjects: distinct.size,
    affectedObjectsText: `${truncated ? 'at least ' : ''}${plural(distinct.size, 'affected object')}`,
    findingLines: findings
      .slice(0, LINES_IN_EMAIL)
      .map((f) =>
        oneLine(
          [field(f, 'crdName'), field(f, 'version'), field(f, 'fieldPath')].filter(Boolean).join(' ') +
            `: ${String(field(f, 'message') ?? field(f, 'changeType') ?? '')}`,
        ),
      ),
    objectLines: objects.slice(0, LINES_IN_EMAIL).map((o) => {
      const ns = field(o, 'namespace');
      const name = `${ns ? `${String(ns)}/` : ''}${String(field(o, 'name') ?? '?')}`;
      return oneLine(
        `${String(field(o, 'clusterName') ?? '?')} ${String(field(o, 'kind') ?? '?')} ${name} ${String(field(o, 'fieldPath') ?? '')}: ${String(field(o, 'reason') ?? '')}`,
      );
    }),
  };
}

/** A GraphiQL link with a query that shows the approval's deployment and the pending approvals. */
function reviewLink(publicUrl: string, facts: ApprovalFacts): string {
  const endpoint = /\/graphql$/.test(publicUrl) ? publicUrl : `${publicUrl}/graphql`;
  const deployment = facts.deploymentId
    ? `\n  deployment(id: ${JSON.stringify(facts.deploymentId)}) { id operatorName targetVersion status approvalStatus targetClusters initiatedBy }`
    : '';
  const query = `# Approval ${facts.id}: approve(id: ${JSON.stringify(facts.id)}) or reject(id: ${JSON.stringify(facts.id)}, reason: "…")\nquery PendingApproval {\n  approvals(status: PENDING) { id kind status environment requestedBy deploymentId }${deployment}\n}\n`;
  return `${endpoint}?query=${encodeURIComponent(query)}`;
}

function clusterList(clusters: string[]): string {
  if (clusters.length === 0) return 'no clusters';
  const shown = clusters.slice(0, CLUSTERS_IN_SUMMARY).join(', ');
  return clusters.length > CLUSTERS_IN_SUMMARY ? `${shown} and ${clusters.length - CLUSTERS_IN_SUMMARY} more` : shown;
}

/** Versions are semver with an optional `v` (src/domain/version.ts); messages always show the `v`. */
function displayVersion(version: string): string {
  return /^\d/.test(version) ? `v${version}` : version;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Slack treats &, < and > as control characters; everything else is sent as is. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** No control characters or line breaks (header injection, one-line summaries). */
function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

function arrayField(value: unknown, key: string): unknown[] {
  const found = field(value, key);
  return Array.isArray(found) ? found : [];
}
