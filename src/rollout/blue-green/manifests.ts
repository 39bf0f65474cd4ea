// Blue-Green: the variant of an operator's rendered manifests for one color, so that two
// versions can run side by side in one cluster. Pure; the input is never mutated.
//
// Colors: blue lives in blueNamespace (by default the operator's namespace: the live
// installation of the first blue-green rollout is blue) under the rendered names; green
// lives in greenNamespace and gives objects that share one name space across namespaces
// the suffix `-green`. Every rollout installs the color that is not live (nextColor).
//
// What happens to each object:
// - namespaced, in the operator's, blue or green namespace (or none) → `install`, moved
//   to the color's namespace, name kept (ServiceAccount names stay);
// - Role/RoleBinding in another namespace (kube-system…) → `install`, kept there, suffixed;
//   any other object in another namespace likewise, with a warning (references to it are
//   not rewritten);
// - cluster-scoped ClusterRole, ClusterRoleBinding and other built-in kinds → `install`,
//   suffixed; bindings get the color's role names and ServiceAccount namespaces;
// - a Namespace of the operator/blue/green namespace → `install`, as the color's namespace
//   (one is added when the manifests lack it and the color does not live in the operator's);
// - CRDs → `shared`, untouched: one definition serves both colors, never duplicated, never
//   deleted with a color (only a conversion webhook can be pointed at the live color);
// - `*Class` kinds, admission policies, cluster-scoped custom resources and other
//   namespaces → `shared` as rendered: they are configuration both colors use, and two
//   copies would be reconciled or enforced twice;
// - Validating/MutatingWebhookConfigurations and APIServices → `routing`: ONE live object
//   per name, pointed at this color's services, applied at the switch. Two live copies
//   would admit every request twice, and delete-then-create leaves a window without
//   admission; re-pointing one object switches (and switches back) atomically.
// Objects of the color (install, routing) get the label `operator-manager.io/color`.

import { createScopeResolver, isBuiltinKind, type ScopeResolver } from '../../kube/apply/inventory.ts';
import { groupKindOf, recordSourcePosition, sourcePositionOf, subjectOf, type KubeObject } from '../../kube/types.ts';
import { PlanError } from '../strategies/types.ts';

export type Color = 'blue' | 'green';
export const COLOR_LABEL = 'operator-manager.io/color';
/** Added to the names of green objects that share a name space across namespaces. */
const GREEN_SUFFIX = '-green';

const otherColor = (color: Color): Color => (color === 'blue' ? 'green' : 'blue');
/** The color a rollout installs: the one that is not live (an uncolored installation counts as blue). */
export const nextColor = (live: Color | undefined): Color => otherColor(live ?? 'blue');
const colorSuffix = (color: Color): string => (color === 'green' ? GREEN_SUFFIX : '');

export interface ColorVariantOptions {
  color: Color;
  /** The operator's namespace: where namespaced objects without a namespace belong. */
  operatorNamespace: string;
  blueNamespace: string;
  greenNamespace: string;
  /**
   * Namespace of the color serving now. CRD conversion webhooks in `shared` are pointed
   * there, so applying the new CRDs does not move conversion before the switch does.
   * Default: leave CRDs exactly as rendered.
   */
  liveNamespace?: string;
  /** Scope of kinds neither built in nor defined by a CRD of the set (from API discovery). */
  isNamespaced?: ScopeResolver;
}

export interface ColorVariant {
  color: Color;
  namespace: string;
  /** The color's own objects: installed before the switch, deleted when the color is retired. */
  install: KubeObject[];
  /** Objects both colors use, applied as rendered and never deleted with a color. */
  shared: KubeObject[];
  /** Webhook configurations and APIServices pointing at this color: applied at the switch. */
  routing: KubeObject[];
  /** What could not be rewritten and may need a look ("Deployment/x: …"). */
  warnings: string[];
}

const SHARED_CLUSTER_KINDS = new Set([
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
]);
const ROUTING_KINDS = new Set([
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'apiregistration.k8s.io/APIService',
]);
const RBAC = 'rbac.authorization.k8s.io';
const CA_INJECTION_ANNOTATIONS = ['cert-manager.io/inject-ca-from', 'cert-manager.io/inject-ca-from-secret'];

function copyOf(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  const position = sourcePositionOf(obj);
  if (position) recordSourcePosition(copy, position);
  return copy;
}

function withColor(obj: KubeObject, color: Color): KubeObject {
  obj.metadata.labels = { ...obj.metadata.labels, [COLOR_LABEL]: color };
  return obj;
}

/** The objects of `objects` for one color (see the rules at the top of this file). Throws PlanError. */
export function colorVariant(objects: readonly KubeObject[], options: ColorVariantOptions): ColorVariant {
  const { color, operatorNamespace } = options;
  const namespace = color === 'blue' ? options.blueNamespace : options.greenNamespace;
  const suffix = colorSuffix(color);
  const home = new Set([operatorNamespace, options.blueNamespace, options.greenNamespace]);
  const moveNamespace = (ns: string | undefined) => (ns !== undefined && home.has(ns) ? namespace : ns);
  const resolveScope = createScopeResolver(objects, options.isNamespaced);
  const variant: ColorVariant = { color, namespace, install: [], shared: [], routing: [], warnings: [] };
  const unknownKinds = new Set<string>();
  const renamedClusterRoles = new Set<string>();
  const renamedRoles = new Set<string>(); // "namespace/name" of Roles kept outside the color's namespace

  for (const input of objects) {
    const obj = copyOf(input);
    const key = groupKindOf(obj);
    const namespaced = resolveScope(obj);
    if (key === 'apiextensions.k8s.io/CustomResourceDefinition') {
      variant.shared.push(options.liveNamespace ? pointConversionAt(obj, home, options.liveNamespace) : obj);
    } else if (key === '/Namespace') {
      if (home.has(obj.metadata.name ?? '')) variant.install.push(withColor({ ...obj, metadata: { ...obj.metadata, name: namespace } }, color));
      else variant.shared.push(obj);
    } else if (ROUTING_KINDS.has(key)) {
      variant.routing.push(withColor(pointRoutingAt(obj, home, namespace, variant.warnings), color));
    } else if (namespaced === undefined) {
      unknownKinds.add(`${obj.apiVersion} ${obj.kind}`);
    } else if (namespaced) {
      const ns = obj.metadata.namespace || operatorNamespace;
      if (home.has(ns)) {
        obj.metadata.namespace = namespace;
      } else {
        obj.metadata.namespace = ns;
        obj.metadata.name = `${obj.metadata.name}${suffix}`;
        if (key === `${RBAC}/Role`) renamedRoles.add(`${ns}/${input.metadata.name}`);
        else if (key !== `${RBAC}/RoleBinding` && suffix) {
          variant.warnings.push(`${subjectOf(input)}: outside the operator's namespace, renamed to ${obj.metadata.name}; references to it are not rewritten`);
        }
      }
      variant.install.push(withColor(obj, color));
    } else if (obj.kind.endsWith('Class') || SHARED_CLUSTER_KINDS.has(key) || !isBuiltinKind(obj)) {
      variant.shared.push(obj);
    } else {
      if (key === `${RBAC}/ClusterRole`) renamedClusterRoles.add(obj.metadata.name ?? '');
      obj.metadata.name = `${obj.metadata.name}${suffix}`;
      variant.install.push(withColor(obj, color));
    }
  }
  if (unknownKinds.size) throw new PlanError(`cannot tell whether these kinds are namespaced: ${[...unknownKinds].sort().join(', ')}`);

  for (const obj of variant.install) {
    const key = groupKindOf(obj);
    if (key === `${RBAC}/ClusterRoleBinding` || key === `${RBAC}/RoleBinding`) {
      rewriteBinding(obj, { renamedClusterRoles, renamedRoles, suffix, moveNamespace });
    } else if (key === 'cert-manager.io/Certificate') {
      rewriteCertificateNames(obj, home, namespace);
    }
    variant.warnings.push(...namespaceMentions(obj, home, namespace));
  }
  const hasNamespace = variant.install.some((o) => o.kind === 'Namespace' && o.metadata.name === namespace);
  if (!hasNamespace && namespace !== operatorNamespace) {
    variant.install.unshift(withColor({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, color));
  }
  return variant;
}

interface BindingRewrite {
  renamedClusterRoles: Set<string>;
  renamedRoles: Set<string>;
  suffix: string;
  moveNamespace: (ns: string | undefined) => string | undefined;
}

/** roleRef to the color's role; ServiceAccount subjects (also as users and groups) to the color's namespace. */
function rewriteBinding(obj: KubeObject, { renamedClusterRoles, renamedRoles, suffix, moveNamespace }: BindingRewrite): void {
  const roleRef = obj.roleRef as { kind?: string; name?: string } | undefined;
  if (roleRef?.name) {
    const renamed = roleRef.kind === 'ClusterRole' ? renamedClusterRoles.has(roleRef.name) : renamedRoles.has(`${obj.metadata.namespace}/${roleRef.name}`);
    if (renamed) obj.roleRef = { ...roleRef, name: `${roleRef.name}${suffix}` };
  }
  const subjects = obj.subjects as Array<{ kind?: string; name?: string; namespace?: string }> | undefined;
  if (!Array.isArray(subjects)) return;
  obj.subjects = subjects.map((s) => {
    if (s.kind === 'ServiceAccount' && s.namespace) return { ...s, namespace: moveNamespace(s.namespace) };
    const sa = /^system:serviceaccount:([^:]+):(.+)$/.exec(s.name ?? '');
    if (s.kind === 'User' && sa) return { ...s, name: `system:serviceaccount:${moveNamespace(sa[1])}:${sa[2]}` };
    const group = /^system:serviceaccounts:([^:]+)$/.exec(s.name ?? '');
    if (s.kind === 'Group' && group) return { ...s, name: `system:serviceaccounts:${moveNamespace(group[1])}` };
    return s;
  });
}

/** "svc.ns", "svc.ns.svc", "svc.ns.svc.cluster.local" naming a home namespace → the color's. */
function moveServiceHost(host: string, home: Set<string>, namespace: string): string {
  const m = /^([^.]+)\.([^.]+)((?:\.svc)(?:\..*)?)?$/.exec(host);
  return m && home.has(m[2]!) ? `${m[1]}.${namespace}${m[3] ?? ''}` : host;
}

function rewriteCertificateNames(obj: KubeObject, home: Set<string>, namespace: string): void {
  if (Array.isArray(obj.spec?.dnsNames)) obj.spec.dnsNames = obj.spec.dnsNames.map((h: string) => moveServiceHost(h, home, namespace));
  if (typeof obj.spec?.commonName === 'string') obj.spec.commonName = moveServiceHost(obj.spec.commonName, home, namespace);
}

/** Webhook client configs / APIService service and CA-injection annotations → the color's namespace. */
function pointRoutingAt(obj: KubeObject, home: Set<string>, namespace: string, warnings: string[]): KubeObject {
  Object.assign(obj.metadata, { annotations: { ...obj.metadata.annotations, ...movedCaInjection(obj, home, namespace) } });
  if (!Object.keys(obj.metadata.annotations!).length) delete obj.metadata.annotations;
  const pointService = (service: { namespace?: string } | undefined) => {
    if (service?.namespace && home.has(service.namespace)) service.namespace = namespace;
  };
  if (obj.kind === 'APIService') {
    pointService(obj.spec?.service);
  } else {
    for (const webhook of (obj.webhooks as Array<{ name?: string; clientConfig?: { service?: { namespace?: string }; url?: string } }>) ?? []) {
      pointService(webhook.clientConfig?.service);
      if (webhook.clientConfig?.url) warnings.push(`${subjectOf(obj)}: webhook ${webhook.name} calls a URL, which the switch cannot re-point`);
    }
  }
  return obj;
}

/**
 * cert-manager CA-injection annotations ("<namespace>/<name>") that name one of
 * `namespaces`, re-pointed at `namespace`: the CA of the color's own webhook certificate.
 */
export function movedCaInjection(obj: KubeObject, namespaces: ReadonlySet<string>, namespace: string): Record<string, string> {
  const moved: Record<string, string> = {};
  for (const name of CA_INJECTION_ANNOTATIONS) {
    const [ns, rest] = (obj.metadata.annotations?.[name] ?? '').split('/', 2);
    if (ns && rest && namespaces.has(ns)) moved[name] = `${namespace}/${rest}`;
  }
  return moved;
}

/** The namespace a CRD's conversion webhook service lives in, if it has one. */
export function conversionNamespaceOf(crd: KubeObject): string | undefined {
  const ns = crd.spec?.conversion?.webhook?.clientConfig?.service?.namespace;
  return typeof ns === 'string' ? ns : undefined;
}

/** A CRD whose conversion webhook calls a service in a home namespace, re-pointed (with its CA injection) at `namespace`. */
function pointConversionAt(crd: KubeObject, home: ReadonlySet<string>, namespace: string): KubeObject {
  const current = conversionNamespaceOf(crd);
  if (!current || !home.has(current) || current === namespace) return crd;
  const copy = copyOf(crd);
  copy.spec.conversion.webhook.clientConfig.service.namespace = namespace;
  Object.assign(copy.metadata.annotations ?? {}, movedCaInjection(copy, home, namespace));
  return copy;
}

/** Strings in container args and env values that name a home namespace the variant moved away from. */
function namespaceMentions(obj: KubeObject, home: Set<string>, namespace: string): string[] {
  const podSpec = obj.kind === 'Pod' ? obj.spec : (obj.spec?.template?.spec ?? obj.spec?.jobTemplate?.spec?.template?.spec);
  const containers = [...(podSpec?.initContainers ?? []), ...(podSpec?.containers ?? [])] as Array<{
    name?: string;
    args?: unknown[];
    command?: unknown[];
    env?: Array<{ value?: unknown }>;
  }>;
  const stale = [...home].filter((ns) => ns !== namespace);
  const mentions = (text: unknown) => typeof text === 'string' && stale.some((ns) => text === ns || text.includes(`=${ns}`) || text.includes(`.${ns}.svc`));
  const found: string[] = [];
  for (const c of containers) {
    for (const text of [...(c.command ?? []), ...(c.args ?? []), ...(c.env ?? []).map((e) => e.value)]) {
      if (mentions(text)) found.push(`${subjectOf(obj)}: container ${c.name} mentions another color's namespace in ${JSON.stringify(text)}; not rewritten`);
    }
  }
  return found;
}
