import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, isCelError } from '@bufbuild/cel';
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

/**
 * The cluster policies (k8s/cluster/<env>, docs/deployment.md "Policies"), checked offline: no API
 * server can be had here, so the ValidatingAdmissionPolicy's CEL is evaluated with @bufbuild/cel
 * the way the API server evaluates it (variables in order, then every validation), against every
 * workload the matching overlay renders (admitted) and against pods that must be refused.
 * Also: Pod Security labels on the namespaces, and the RBAC Prometheus' discovery needs.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const ENVS = { dev: 'secureevent-dev', prod: 'secureevent' } as const;
type Env = keyof typeof ENVS;
const ENV_NAMES = Object.keys(ENVS) as Env[];

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}
interface Policy extends Obj {
  spec: {
    failurePolicy?: string;
    matchConstraints: { resourceRules: { apiGroups: string[]; resources: string[]; operations: string[] }[] };
    variables: { name: string; expression: string }[];
    validations: { expression: string; messageExpression?: string; message?: string; reason?: string }[];
  };
}
interface Binding extends Obj {
  spec: { policyName: string; validationActions: string[]; matchResources: { namespaceSelector: { matchLabels: Record<string, string> } } };
}

function kustomize(dir: string): Obj[] {
  const r = spawnSync('kubectl', ['kustomize', path.join(root, dir)], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(
      `kubectl kustomize ${dir} failed (kubectl ≥ 1.27 must be on PATH: bash platform/scripts/install-kube-tools.sh DIR):\n${r.stderr ?? r.error}`,
    );
  }
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
}
const cache = new Map<string, Obj[]>();
const rendered = (dir: string) => cache.get(dir) ?? (cache.set(dir, kustomize(dir)), cache.get(dir)!);
const one = <T extends Obj>(objects: Obj[], kind: string) => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as T;
};
const policyOf = (env: Env) => one<Policy>(rendered(`k8s/cluster/${env}`), 'ValidatingAdmissionPolicy');
const bindingOf = (env: Env) => one<Binding>(rendered(`k8s/cluster/${env}`), 'ValidatingAdmissionPolicyBinding');

function cel(expression: string, bindings: Record<string, unknown>, where: string): unknown {
  const result = run(expression, bindings as never);
  if (isCelError(result)) throw new Error(`${where}: CEL error in ${expression}: ${String(result.message)}`);
  return result;
}

/** What the API server answers: undefined when admitted, else the first failed validation's message. */
function admit(policy: Policy, object: Obj): string | undefined {
  const variables: Record<string, unknown> = {};
  const bindings = () => ({ object, oldObject: null, variables });
  for (const v of policy.spec.variables) variables[v.name] = cel(v.expression, bindings(), `variable ${v.name}`);
  for (const rule of policy.spec.validations) {
    const ok = cel(rule.expression, bindings(), 'validation');
    expect(typeof ok, rule.expression).toBe('boolean');
    if (ok === false) return rule.messageExpression ? String(cel(rule.messageExpression, bindings(), 'message')) : (rule.message ?? '');
  }
  return undefined;
}

/** A pod as a controller would create it from a workload's template. */
const podFrom = (workload: Obj): Obj => {
  const template = (workload.spec as { template: { metadata: Obj['metadata']; spec: Record<string, unknown> } }).template;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...template.metadata, name: `${workload.metadata.name}-x` }, spec: template.spec };
};
const pod = (containers: { image: string }[], extra: Record<string, unknown> = {}): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'probe' },
  spec: { containers: containers.map((c, i) => ({ name: `c${i}`, ...c })), ...extra },
});
const DIGEST = `@sha256:${'a'.repeat(64)}`;
const TRUSTED = 'registry.example.com/secureevent/';

describe.each(ENV_NAMES)('k8s/cluster/%s: the trusted-images admission policy', (env) => {
  const namespace = ENVS[env];

  it('when rendered, then the policy and its binding are valid, cluster-scoped, and bound to the environment namespace only', () => {
    const policy = policyOf(env);
    const binding = bindingOf(env);
    expect(() => new ValidatingAdmissionPolicy(policy as never).validate()).not.toThrow();
    expect(() => new ValidatingAdmissionPolicyBinding(binding as never).validate()).not.toThrow();
    for (const o of [policy, binding]) expect(o.metadata.namespace, `${o.kind} has no namespace`).toBeUndefined();
    expect(binding.spec.policyName).toBe(policy.metadata.name);
    expect(binding.spec.validationActions).toContain('Deny');
    expect(policy.spec.failurePolicy).toBe('Fail');
    const nsObject = one(rendered(`k8s/overlays/${env}`), 'Namespace');
    expect(nsObject.metadata.name).toBe(namespace);
    // The API server labels every namespace with its name: the binding selects this one.
    expect(binding.spec.matchResources.namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': namespace });
    // Dev and prod policies can live in one cluster side by side.
    expect(policy.metadata.name).toBe(`secureevent-trusted-images-${env}`);
  });

  it('when the API server matches requests, then pods and every workload kind that makes pods are checked on create and update', () => {
    const rules = policyOf(env).spec.matchConstraints.resourceRules;
    const covered = rules.flatMap((r) => r.resources.map((res) => `${r.apiGroups[0]}/${res}`));
    for (const r of [
      '/pods',
      'apps/deployments',
      'apps/replicasets',
      'apps/statefulsets',
      'apps/daemonsets',
      'batch/jobs',
      'batch/cronjobs',
    ])
      expect(covered).toContain(r);
    for (const r of rules) expect(r.operations.sort()).toEqual(['CREATE', 'UPDATE']);
  });

  it('when every workload of the overlay and the pods it makes are admitted, then none is refused', () => {
    const workloads = rendered(`k8s/overlays/${env}`).filter((o) =>
      ['Deployment', 'StatefulSet', 'Job', 'CronJob', 'DaemonSet'].includes(o.kind),
    );
    expect(workloads.length).toBeGreaterThanOrEqual(5);
    for (const w of workloads) {
      expect(admit(policyOf(env), w), `${w.kind}/${w.metadata.name}`).toBeUndefined();
      expect(admit(policyOf(env), podFrom(w)), `pod of ${w.metadata.name}`).toBeUndefined();
    }
  });

  it('when a pod runs an image from another registry, then it is refused, naming the image', () => {
    const policy = policyOf(env);
    expect(admit(policy, pod([{ image: `docker.io/library/nginx:1.28${DIGEST}` }]))).toMatch(
      /docker\.io\/library\/nginx.* is not from a trusted registry/,
    );
    // A look-alike host name is another registry.
    expect(admit(policy, pod([{ image: `registry.example.com.attacker.io/secureevent/gateway${DIGEST}` }]))).toMatch(
      /not from a trusted registry/,
    );
    // A short name resolves to Docker Hub.
    expect(admit(policy, pod([{ image: 'nginx' }]))).toMatch(/not from a trusted registry/);
  });

  it('when only an init, ephemeral or second container is untrusted, then the pod is refused all the same', () => {
    const policy = policyOf(env);
    const good = { image: `${TRUSTED}gateway${DIGEST}` };
    const bad = { image: `quay.io/someone/tool${DIGEST}` };
    expect(admit(policy, pod([good, bad]))).toMatch(/quay\.io/);
    expect(admit(policy, pod([good], { initContainers: [{ name: 'init', ...bad }] }))).toMatch(/quay\.io/);
    expect(admit(policy, pod([good], { ephemeralContainers: [{ name: 'debug', ...bad }] }))).toMatch(/quay\.io/);
    expect(admit(policy, pod([good]))).toBeUndefined();
    const cronJob: Obj = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'job' },
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', ...bad }] } } } } },
    };
    expect(admit(policy, cronJob)).toMatch(/quay\.io/);
  });

  it(`when a trusted image is referenced by tag, then it is ${env === 'prod' ? 'refused (prod requires a digest)' : 'admitted (dev runs the commit tag)'}`, () => {
    const verdict = admit(policyOf(env), pod([{ image: `${TRUSTED}event-service:1.2.3` }]));
    if (env === 'prod') expect(verdict).toMatch(/event-service:1\.2\.3 is not pinned by digest/);
    else expect(verdict).toBeUndefined();
    // A digest that is not a full sha256 is no pin.
    const short = admit(policyOf(env), pod([{ image: `${TRUSTED}event-service@sha256:abc` }]));
    if (env === 'prod') expect(short).toMatch(/not pinned by digest/);
  });
});

describe.each(ENV_NAMES)('k8s/overlays/%s: Pod Security and RBAC', (env) => {
  it('when the namespace is rendered, then Pod Security "restricted" is enforced, warned and audited', () => {
    const ns = one(rendered(`k8s/overlays/${env}`), 'Namespace');
    for (const mode of ['enforce', 'warn', 'audit']) {
      expect(ns.metadata.labels?.[`pod-security.kubernetes.io/${mode}`], mode).toBe('restricted');
      expect(ns.metadata.labels?.[`pod-security.kubernetes.io/${mode}-version`], mode).toBe('latest');
    }
  });

  it("when Prometheus discovers targets, then its ServiceAccount may read exactly what its 'endpoints' role lists, in this namespace only", () => {
    const objects = rendered(`k8s/overlays/${env}`);
    expect(objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toEqual([]);
    // Dev also has the credentials Job's Role (checked in deploy.test.ts): this is Prometheus'.
    const prometheusOnly = objects.filter((o) => !['Role', 'RoleBinding'].includes(o.kind) || o.metadata.name === 'prometheus-discovery');
    const role = one<Obj & { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] }>(prometheusOnly, 'Role');
    const binding = one<Obj & { roleRef: { kind: string; name: string }; subjects: { kind: string; name: string; namespace: string }[] }>(
      prometheusOnly,
      'RoleBinding',
    );
    expect(role.metadata.namespace).toBe(ENVS[env]);
    expect(binding.roleRef).toMatchObject({ kind: 'Role', name: role.metadata.name });
    const prometheus = parseYaml(fs.readFileSync(path.join(root, 'monitoring', 'prometheus', 'prometheus-kubernetes.yml'), 'utf8')) as {
      scrape_configs: { kubernetes_sd_configs?: { role: string; namespaces?: { names: string[] } }[] }[];
    };
    // The jobs that scrape the services discover them in their namespaces only, with this Role; the cluster-wide
    // jobs (kube-state-metrics, the kubelets' cAdvisor) run on the cluster RBAC shipped beside the config
    // (monitoring/prometheus/kubernetes-rbac.yaml, checked in monitoring.test.ts), never on the overlay's.
    const sd = prometheus.scrape_configs.flatMap((s) => s.kubernetes_sd_configs ?? []);
    const inNamespace = sd.filter((s) => s.namespaces?.names.includes(ENVS[env]));
    expect(inNamespace.map((s) => s.role)).toEqual(['endpoints']);
    // The endpoints role reads Endpoints (or EndpointSlices), Services and Pods.
    const granted = role.rules.flatMap((r) => r.resources);
    for (const r of ['endpoints', 'services', 'pods', 'endpointslices']) expect(granted).toContain(r);
    for (const r of role.rules) expect(r.verbs.sort()).toEqual(['get', 'list', 'watch']);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }]);
  });
});
