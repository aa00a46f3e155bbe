import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

/**
 * The deployment artefacts (k8s/, the Dockerfiles, the gateway's nginx config) checked offline:
 * each overlay rendered by `kubectl kustomize`, every object validated against the Kubernetes
 * 1.27 schemas (kubernetes-models), then the properties we promise in docs/deployment.md.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const SERVICES = { 'user-service': 3001, 'event-service': 3002, 'notification-service': 3003, 'audit-service': 3004 } as const;
type ServiceName = keyof typeof SERVICES;
const serviceNames = Object.keys(SERVICES) as ServiceName[];
const OVERLAYS = { dev: 'secureevent.dev.example.com', prod: 'events.example.com' } as const;

// ------------------------------------------------------------------ minimal shapes we read

interface Meta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Probe {
  httpGet?: { path?: string; port?: string | number };
}
interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe & { periodSeconds?: number; failureThreshold?: number };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type: string };
  };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[];
}
interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: string;
  labelSelector?: { matchLabels?: Record<string, string> };
}
interface PodSpec {
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  terminationGracePeriodSeconds?: number;
  topologySpreadConstraints?: SpreadConstraint[];
  hostNetwork?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  containers: Container[];
  initContainers?: Container[];
  volumes?: {
    name: string;
    secret?: { secretName: string; items?: { key: string }[] };
    configMap?: { name: string; items?: { key: string }[] };
    emptyDir?: object;
  }[];
}
interface Workload {
  kind: string;
  metadata: Meta;
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: Meta; spec: PodSpec };
    serviceName?: string;
    volumeClaimTemplates?: { metadata: { name: string } }[];
  };
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  spec?: unknown;
  data?: Record<string, string>;
}
interface IngressPath {
  path: string;
  pathType: string;
  backend: { service: { name: string; port: { name?: string; number?: number } } };
}
interface IngressSpec {
  ingressClassName?: string;
  tls?: { hosts: string[]; secretName: string }[];
  rules: { host?: string; http: { paths: IngressPath[] } }[];
}
interface NetworkPolicySpec {
  podSelector: { matchLabels?: Record<string, string> };
  policyTypes?: string[];
  ingress?: { from?: unknown[]; ports?: { port: number }[] }[];
  egress?: unknown[];
}

// ------------------------------------------------------------------ rendering

/** kubectl is required: CI machines have it; a missing one must fail loudly, never skip. */
function kubectl(): string {
  const found = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) {
    throw new Error(
      'kubectl is not installed or not on PATH: these tests render k8s/overlays/* with `kubectl kustomize` (offline). ' +
        'Install kubectl ≥ 1.27 (`bash platform/scripts/install-kube-tools.sh DIR`, then put DIR on PATH) and run the tests again.',
    );
  }
  return 'kubectl';
}

const rendered = new Map<string, K8sObject[]>();
function render(overlay: keyof typeof OVERLAYS): K8sObject[] {
  const cached = rendered.get(overlay);
  if (cached) return cached;
  const r = spawnSync(kubectl(), ['kustomize', path.join(root, 'k8s', 'overlays', overlay)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubectl kustomize k8s/overlays/${overlay} failed:\n${r.stderr}`);
  const objects = parseAllDocuments(r.stdout).map((d) => d.toJS() as K8sObject);
  rendered.set(overlay, objects);
  return objects;
}

const byKind = <T = K8sObject>(objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind) as unknown as T[];
const named = <T extends { metadata: Meta }>(objects: T[], name: string) => {
  const found = objects.find((o) => o.metadata.name === name);
  if (!found) throw new Error(`no object named ${name}`);
  return found;
};

/** Schema validation per kind; a kind missing here fails the test, so new kinds get validated too. */
const models: Record<string, new (data: never) => { validate(): void }> = {
  Namespace,
  ServiceAccount,
  ConfigMap,
  Service,
  Deployment,
  StatefulSet,
  Job,
  PodDisruptionBudget,
  HorizontalPodAutoscaler,
  Ingress,
  NetworkPolicy,
  Role,
  RoleBinding,
};

const workloadKinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];
const workloadsOf = (objects: K8sObject[]) => objects.filter((o) => workloadKinds.includes(o.kind)) as unknown as Workload[];
/** The dev overlay's own data stores and the Job that generates the credentials (ADR 0025); prod has none. */
const DEV_EXTRA_WORKLOADS = ['Job/dev-secrets', 'StatefulSet/postgres', 'StatefulSet/rabbitmq', 'StatefulSet/redis'];
const DATA_STORES = { postgres: 5432, rabbitmq: 5672, redis: 6379 } as const;
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);

describe.each(Object.keys(OVERLAYS) as (keyof typeof OVERLAYS)[])('k8s/overlays/%s', (overlay) => {
  const host = OVERLAYS[overlay];
  const namespace = overlay === 'prod' ? 'secureevent' : 'secureevent-dev';

  it('when rendered with kubectl kustomize, then every object is valid against the Kubernetes schemas', () => {
    const objects = render(overlay);
    expect(objects.length).toBeGreaterThan(20);
    for (const o of objects) {
      const Model = models[o.kind];
      if (!Model) throw new Error(`${o.kind}/${o.metadata.name}: no schema model registered in deploy.test.ts for this kind`);
      expect(() => new Model(o as never).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
    }
  });

  it('then it holds a Deployment, a Service, a PodDisruptionBudget and a ServiceAccount for each service and the gateway, all in the namespace', () => {
    const objects = render(overlay);
    for (const name of [...serviceNames, 'gateway']) {
      for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'ServiceAccount']) {
        expect(
          objects.some((o) => o.kind === kind && o.metadata.name === name),
          `${kind}/${name}`,
        ).toBe(true);
      }
    }
    for (const o of objects.filter((x) => x.kind !== 'Namespace'))
      expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(namespace);
    const ns = named(byKind(objects, 'Namespace'), namespace);
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('then every workload runs non-root, read-only, without capabilities or privilege escalation, with seccomp RuntimeDefault', () => {
    const workloads = workloadsOf(render(overlay));
    expect(
      workloads
        .filter((w) => w.kind !== 'Deployment')
        .map((w) => `${w.kind}/${w.metadata.name}`)
        .sort(),
    ).toEqual(overlay === 'dev' ? DEV_EXTRA_WORKLOADS : []);
    for (const w of workloads) {
      const pod = w.spec.template.spec;
      // Only the credentials Job talks to the API server (as its own ServiceAccount, bound to a Role limited to Secrets).
      const isGenerator = w.kind === 'Job' && w.metadata.name === 'dev-secrets';
      expect(pod.automountServiceAccountToken, `${w.metadata.name}: service-account token`).toBe(isGenerator);
      if (isGenerator) expect(pod.serviceAccountName).toBe('dev-secrets');
      expect(pod.hostNetwork ?? false).toBe(false);
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const where = `${w.metadata.name}/${c.name}`;
        const sc = c.securityContext ?? {};
        expect(sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot, `${where}: runAsNonRoot`).toBe(true);
        expect(sc.runAsUser ?? pod.securityContext?.runAsUser, `${where}: a numeric non-root uid`).toBeGreaterThan(0);
        expect(sc.readOnlyRootFilesystem, `${where}: readOnlyRootFilesystem`).toBe(true);
        expect(sc.allowPrivilegeEscalation, `${where}: allowPrivilegeEscalation`).toBe(false);
        expect(sc.privileged ?? false, `${where}: privileged`).toBe(false);
        expect(sc.capabilities?.drop, `${where}: capabilities`).toEqual(['ALL']);
        expect(sc.capabilities?.add ?? []).toEqual([]);
        expect((sc.seccompProfile ?? pod.securityContext?.seccompProfile)?.type, `${where}: seccomp`).toBe('RuntimeDefault');
        // The only writable place is an emptyDir on /tmp.
        const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
        expect(tmp, `${where}: /tmp mount`).toBeDefined();
        expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, `${where}: /tmp is an emptyDir`).toBeDefined();
        // Any other mount is an emptyDir, a claim of the StatefulSet, or read-only (config and Secrets).
        for (const m of c.volumeMounts ?? []) {
          const volume = pod.volumes?.find((v) => v.name === m.name);
          const claim = w.spec.volumeClaimTemplates?.some((t) => t.metadata.name === m.name);
          if (volume?.configMap || volume?.secret) expect(m.readOnly, `${where}: ${m.mountPath} read-only`).toBe(true);
          else expect(Boolean(volume?.emptyDir) || Boolean(claim), `${where}: ${m.mountPath}`).toBe(true);
        }
      }
    }
  });

  it('then every container has CPU and memory requests and limits, and liveness and readiness probes on the right paths', () => {
    for (const w of byKind<Workload>(render(overlay), 'Deployment')) {
      for (const c of w.spec.template.spec.containers) {
        const where = `${w.metadata.name}/${c.name}`;
        for (const kind of ['requests', 'limits'] as const) {
          for (const resource of ['cpu', 'memory']) expect(c.resources?.[kind]?.[resource], `${where}: ${kind}.${resource}`).toBeTruthy();
        }
        const isService = (serviceNames as string[]).includes(w.metadata.name);
        expect(c.livenessProbe?.httpGet?.path, `${where}: liveness`).toBe('/healthz');
        // A service is ready only when its database, broker and cache answer (/readyz).
        expect(c.readinessProbe?.httpGet?.path, `${where}: readiness`).toBe(isService ? '/readyz' : '/healthz');
        const portNames = (c.ports ?? []).map((p) => p.name);
        for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
          if (probe?.httpGet) expect(portNames, `${where}: probe port`).toContain(probe.httpGet.port);
        }
        if (isService) expect(c.ports?.[0]?.containerPort).toBe(SERVICES[w.metadata.name as ServiceName]);
      }
    }
  });

  it('when a pod is stopped, then the Ingress drops it first (preStop sleep) and the kubelet waits longer than it takes to drain', () => {
    // The services stop within 10 s of SIGTERM (backend/shared/src/lifecycle/shutdown.ts).
    const drainSeconds = 10;
    for (const w of byKind<Workload>(render(overlay), 'Deployment')) {
      const pod = w.spec.template.spec;
      for (const c of pod.containers) {
        const command = c.lifecycle?.preStop?.exec?.command ?? [];
        expect(command[0], `${w.metadata.name}: preStop sleep (the images have sleep: deploy/containers/test-images.sh runs it)`).toBe(
          'sleep',
        );
        const sleep = Number(command[1]);
        expect(sleep, w.metadata.name).toBeGreaterThanOrEqual(5);
        expect(pod.terminationGracePeriodSeconds ?? 30, w.metadata.name).toBeGreaterThan(sleep + drainSeconds);
      }
    }
  });

  it('then every workload has a startup probe, so liveness never kills a pod that is still starting', () => {
    for (const w of byKind<Workload>(render(overlay), 'Deployment')) {
      for (const c of w.spec.template.spec.containers) {
        expect(c.startupProbe?.httpGet?.path, `${w.metadata.name}: startup probe`).toBe('/healthz');
        expect((c.startupProbe?.periodSeconds ?? 10) * (c.startupProbe?.failureThreshold ?? 3), w.metadata.name).toBeGreaterThanOrEqual(60);
      }
    }
  });

  it(`then replicas spread over nodes and zones${overlay === 'prod' ? ', over nodes as a hard rule' : ''}`, () => {
    for (const w of byKind<Workload>(render(overlay), 'Deployment')) {
      const spread = w.spec.template.spec.topologySpreadConstraints ?? [];
      const own = { 'app.kubernetes.io/name': w.metadata.name };
      const byKey = Object.fromEntries(spread.map((c) => [c.topologyKey, c]));
      for (const key of ['kubernetes.io/hostname', 'topology.kubernetes.io/zone']) {
        expect(byKey[key]?.labelSelector?.matchLabels, `${w.metadata.name}: ${key}`).toEqual(own);
        expect(byKey[key]?.maxSkew).toBe(1);
      }
      expect(byKey['kubernetes.io/hostname']?.whenUnsatisfiable, w.metadata.name).toBe(
        overlay === 'prod' ? 'DoNotSchedule' : 'ScheduleAnyway',
      );
      // A zone rule stays a preference: a cluster in one zone must still schedule.
      expect(byKey['topology.kubernetes.io/zone']?.whenUnsatisfiable).toBe('ScheduleAnyway');
    }
  });

  it('then every image comes from the registry with an explicit tag, and never :latest', () => {
    for (const w of byKind<Workload>(render(overlay), 'Deployment')) {
      for (const c of w.spec.template.spec.containers) {
        const image = c.image ?? '';
        expect(image, w.metadata.name).toMatch(/^registry\.example\.com\/secureevent\/[a-z-]+(:[\w.-]+|@sha256:[0-9a-f]{64})$/);
        expect(image).not.toMatch(/:latest$/);
        // Production runs what was tested, by digest (k8s/cluster/prod refuses tags there).
        if (overlay === 'prod') expect(image, `${w.metadata.name}: prod pins a digest`).toMatch(/@sha256:[0-9a-f]{64}$/);
      }
    }
  });

  it('then no Secret is in the manifests, every Secret is only referenced, and the ConfigMap holds nothing secret', () => {
    const objects = render(overlay);
    expect(byKind(objects, 'Secret')).toEqual([]);
    const referenced = new Set<string>();
    for (const w of workloadsOf(objects)) {
      const pod = w.spec.template.spec;
      for (const c of pod.containers) {
        for (const e of c.envFrom ?? []) if (e.secretRef) referenced.add(e.secretRef.name);
        for (const e of c.env ?? []) {
          if (e.valueFrom?.secretKeyRef) referenced.add(e.valueFrom.secretKeyRef.name);
          // Literal values in a workload are never credentials: no secret-named variable, none of
          // the URLs that carry a password (DATABASE_URL and friends), no user:password@ in any
          // URL. Addresses of the services themselves (EVENT_SERVICE_URL, …) are plain config.
          else {
            expect(e.name, `${w.metadata.name}: env ${e.name}`).not.toMatch(
              /SECRET|PASSWORD|PRIVATE|TOKEN|API_KEY|DATABASE_URL|AMQP_URL|REDIS_URL|SMTP_URL|AI_BASE_URL/,
            );
            expect(e.value ?? '', `${w.metadata.name}: env ${e.name}`).not.toMatch(/\/\/[^/@\s]*:[^/@\s]*@/);
          }
        }
      }
      for (const v of pod.volumes ?? []) if (v.secret) referenced.add(v.secret.secretName);
    }
    for (const ing of byKind<{ spec: IngressSpec }>(objects, 'Ingress')) for (const t of ing.spec.tls ?? []) referenced.add(t.secretName);
    // Dev: the data stores read theirs (generated in the cluster by the Job dev-secrets, like the services').
    const expected = [...serviceNames.map((s) => `${s}-secrets`), 'secureevent-tls', ...(overlay === 'dev' ? ['dev-data-stores'] : [])];
    expect([...referenced].sort()).toEqual(expected.sort());
    // Operators learn every Secret's name and keys from docs/deployment.md.
    const docs = fs.readFileSync(path.join(root, 'docs', 'deployment.md'), 'utf8');
    for (const name of referenced) expect(docs, `docs/deployment.md names ${name}`).toContain(name);

    const config = byKind(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('secureevent-config'));
    expect(
      byKind(objects, 'ConfigMap')
        .map((c) => c.metadata.name.replace(/-[a-z0-9]{10}$/, ''))
        .sort(),
    ).toEqual(overlay === 'dev' ? ['dev-data-stores', 'secureevent-config'] : ['secureevent-config']);
    expect(config?.metadata.name).toMatch(/^secureevent-config-[a-z0-9]+$/);
    for (const [key, value] of Object.entries(config?.data ?? {})) {
      expect(key).not.toMatch(/SECRET|PASSWORD|PRIVATE|TOKEN|API_KEY|DATABASE_URL|AMQP_URL|REDIS_URL|SMTP_URL/);
      expect(value, key).not.toMatch(/\/\/[^/@\s]*:[^/@\s]*@/); // no user:password@ in a URL
    }
    expect(config?.data?.PUBLIC_URL).toBe(`https://${host}`);
    expect(config?.data?.SECUREEVENT_REQUIRE_EXTERNAL).toBe('1');
    expect(config?.data?.HOST).toBe('0.0.0.0');
  });

  it('then every reference resolves: config maps, service selectors and ports, PDBs, HPAs', () => {
    const objects = render(overlay);
    const deployments = byKind<Workload>(objects, 'Deployment');
    const configMaps = new Set(byKind(objects, 'ConfigMap').map((c) => c.metadata.name));
    for (const w of deployments) {
      for (const c of w.spec.template.spec.containers) {
        for (const e of c.envFrom ?? []) if (e.configMapRef) expect(configMaps, w.metadata.name).toContain(e.configMapRef.name);
      }
      // The selector must match the pod labels, or the Deployment is rejected.
      expect(selects(w.spec.selector.matchLabels, w.spec.template.metadata.labels)).toBe(true);
    }
    for (const svc of byKind<{ metadata: Meta; spec: { selector: Record<string, string>; ports: { targetPort: string }[] } }>(
      objects,
      'Service',
    )) {
      const targets = workloadsOf(objects).filter((w) => selects(svc.spec.selector, w.spec.template.metadata.labels));
      expect(
        targets.map((w) => w.metadata.name),
        `Service/${svc.metadata.name}`,
      ).toEqual([svc.metadata.name]);
      const ports = targets[0]!.spec.template.spec.containers.flatMap((c) => c.ports ?? []).map((p) => p.name);
      for (const p of svc.spec.ports) expect(ports).toContain(p.targetPort);
    }
    for (const pdb of byKind<{ metadata: Meta; spec: { selector: { matchLabels: Record<string, string> } } }>(
      objects,
      'PodDisruptionBudget',
    )) {
      expect(deployments.filter((w) => selects(pdb.spec.selector.matchLabels, w.spec.template.metadata.labels))).toHaveLength(1);
    }
    const hpas = byKind<{ metadata: Meta; spec: { scaleTargetRef: { name: string }; minReplicas: number; maxReplicas: number } }>(
      objects,
      'HorizontalPodAutoscaler',
    );
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(['event-service', 'notification-service']);
    for (const h of hpas) {
      named(deployments, h.spec.scaleTargetRef.name);
      expect(h.spec.maxReplicas).toBeGreaterThan(h.spec.minReplicas);
    }
    for (const w of deployments) {
      const scaled = hpas.some((h) => h.spec.scaleTargetRef.name === w.metadata.name);
      // The HPA owns the count of the Deployments it scales: a replicas field would reset it on every apply.
      if (scaled) expect(w.spec.replicas, `${w.metadata.name} is scaled by its HPA`).toBeUndefined();
      // In production: spread over nodes, and a drain never takes a service down.
      else if (overlay === 'prod') expect(w.spec.replicas, w.metadata.name).toBeGreaterThanOrEqual(2);
    }
    if (overlay === 'prod') for (const h of hpas) expect(h.spec.minReplicas).toBeGreaterThanOrEqual(2);
  });

  it('then NetworkPolicies deny by default and let in only the ingress controller, the gateway and Prometheus', () => {
    const objects = render(overlay);
    const policies = byKind<{ metadata: Meta; spec: NetworkPolicySpec }>(objects, 'NetworkPolicy');
    const denyAll = named(policies, 'default-deny-all');
    expect(denyAll.spec.podSelector).toEqual({});
    expect(denyAll.spec.policyTypes?.sort()).toEqual(['Egress', 'Ingress']);
    expect(denyAll.spec.ingress ?? []).toEqual([]);
    expect(denyAll.spec.egress ?? []).toEqual([]);
    // Every pod is let in somewhere (or nothing could reach it), and only on its own port.
    for (const w of workloadsOf(objects).filter((x) => x.kind !== 'Job')) {
      const labels = w.spec.template.metadata.labels;
      const port = w.spec.template.spec.containers[0]!.ports![0]!.containerPort;
      const allowing = policies.filter((p) => p.spec.ingress?.length && selects(p.spec.podSelector.matchLabels, labels));
      expect(allowing.length, w.metadata.name).toBeGreaterThan(0);
      for (const p of allowing) {
        for (const rule of p.spec.ingress ?? []) {
          expect(rule.from?.length, `${p.metadata.name}: every ingress rule names its sources`).toBeGreaterThan(0);
          expect(rule.ports?.map((x) => x.port)).toContain(port);
        }
      }
    }
    const sources = JSON.stringify(policies.flatMap((p) => p.spec.ingress ?? []).flatMap((r) => r.from ?? []));
    expect(sources).toContain('"kubernetes.io/metadata.name":"ingress-nginx"');
    expect(sources).toContain('"app.kubernetes.io/name":"gateway"');
    expect(sources).toContain('"kubernetes.io/metadata.name":"monitoring"');
    // The services reach PostgreSQL, RabbitMQ and Redis, and only where data stores run.
    type EgressRule = { to?: Record<string, unknown>[]; ports?: { port: number }[] };
    const egress = named(policies, 'services-egress').spec.egress as EgressRule[];
    const dataStores = egress.find((r) => r.ports?.some((p) => p.port === 5432));
    expect(dataStores?.ports?.map((p) => p.port).sort()).toEqual([5432, 5671, 5672, 6379]);
    expect(dataStores?.to, 'data-store egress names its destinations').toEqual([
      { podSelector: { matchLabels: { 'app.kubernetes.io/component': 'data-store' } } },
      { namespaceSelector: { matchLabels: { 'secureevent.io/data-stores': 'true' } } },
    ]);
    // Every egress rule names its destinations; the open Internet ones exclude the metadata range.
    for (const p of policies) {
      for (const rule of (p.spec.egress ?? []) as EgressRule[]) {
        expect(rule.to?.length, `${p.metadata.name}: egress rule without destinations`).toBeGreaterThan(0);
        for (const peer of rule.to ?? []) {
          const block = peer.ipBlock as { cidr: string; except?: string[] } | undefined;
          if (block?.cidr === '0.0.0.0/0') expect(block.except, p.metadata.name).toContain('169.254.0.0/16');
        }
      }
    }
  });

  it('then the Ingress routes every path of the distributed gateway (platform/nginx) to the same service, the rest to the gateway', () => {
    const ingresses = byKind<{ metadata: Meta; spec: IngressSpec }>(render(overlay), 'Ingress');
    const routes = new Map<string, string>();
    for (const ing of ingresses) {
      expect(ing.spec.ingressClassName, ing.metadata.name).toBe('nginx');
      expect(ing.spec.tls).toEqual([{ hosts: [host], secretName: 'secureevent-tls' }]);
      for (const rule of ing.spec.rules) {
        expect(rule.host).toBe(host);
        for (const p of rule.http.paths) {
          expect(routes.has(p.path), `${p.path} routed twice`).toBe(false);
          routes.set(p.path, p.backend.service.name);
          expect(p.backend.service.port.name).toBe('http');
        }
      }
    }
    expect(routes.get('/')).toBe('gateway');
    routes.delete('/');
    expect(Object.fromEntries([...routes].sort())).toEqual(Object.fromEntries([...nginxRoutes()].sort()));

    const annotations = (name: string) => named(ingresses, name).metadata.annotations ?? {};
    const wsIngress = ingresses.find((i) => i.spec.rules[0]!.http.paths.some((p) => p.path === '/ws'))!;
    expect(Number(wsIngress.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(3600);
    expect(Number(wsIngress.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThanOrEqual(3600);
    const authIngress = ingresses.find((i) => i.spec.rules[0]!.http.paths.some((p) => p.path === '/api/auth'))!;
    expect(authIngress.metadata.annotations?.['nginx.ingress.kubernetes.io/limit-rps']).toBe('10');
    // The JWKS is exempt from the auth rate limit, as in platform/nginx.
    const jwksIngress = ingresses.find((i) => i.spec.rules[0]!.http.paths.some((p) => p.path === '/api/auth/.well-known/jwks.json'))!;
    expect(jwksIngress.metadata.annotations?.['nginx.ingress.kubernetes.io/limit-rps']).toBeUndefined();
    expect(annotations('secureevent')['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('1m');
  });
});

describe('k8s/overlays/dev: its own data stores and generated credentials (ADR 0025)', () => {
  type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
  type Peer = Record<string, unknown>;
  type Policy = { metadata: Meta; spec: NetworkPolicySpec & { ingress?: { from?: Peer[]; ports?: { port: number }[] }[] } };
  const objects = () => render('dev');
  const policies = () => byKind<Policy>(objects(), 'NetworkPolicy');

  it.each(Object.entries(DATA_STORES))(
    'when %s is rendered, then it is one StatefulSet with a claim, a headless Service on port %i, a readiness probe and a mirrored image',
    (name, port) => {
      const set = named(byKind<Workload>(objects(), 'StatefulSet'), name);
      expect(set.spec.replicas).toBe(1);
      expect(set.spec.serviceName).toBe(name);
      const pod = set.spec.template;
      expect(pod.metadata.labels?.['app.kubernetes.io/component']).toBe('data-store');
      const c = pod.spec.containers[0]!;
      expect(c.image).toMatch(new RegExp(`^registry\\.example\\.com/secureevent/mirror/${name}:[\\w.-]+$`));
      expect(c.ports?.[0]?.containerPort).toBe(port);
      expect((c as { readinessProbe?: object }).readinessProbe, `${name}: readiness`).toBeDefined();
      for (const kind of ['requests', 'limits'] as const) for (const r of ['cpu', 'memory']) expect(c.resources?.[kind]?.[r]).toBeTruthy();
      expect(set.spec.volumeClaimTemplates?.map((t) => t.metadata.name)).toEqual(['data']);
      expect(c.volumeMounts?.some((m) => m.name === 'data')).toBe(true);
      const svc = named(
        byKind<{ metadata: Meta; spec: { clusterIP?: string; ports: { port: number; targetPort: string }[] } }>(objects(), 'Service'),
        name,
      );
      expect(svc.spec.clusterIP).toBe('None');
      expect(svc.spec.ports.map((p) => p.port)).toEqual([port]);
      expect(c.ports?.[0]?.name).toBe(svc.spec.ports[0]!.targetPort);
      // The services reach it: their egress allows component=data-store on this port.
      const egress = named(policies(), 'services-egress').spec.egress as { to: Peer[]; ports: { port: number }[] }[];
      expect(
        egress.some(
          (r) =>
            r.ports.some((p) => p.port === port) &&
            r.to.some((t) => JSON.stringify(t).includes('"app.kubernetes.io/component":"data-store"')),
        ),
      ).toBe(true);
    },
  );

  it('then only the four services may connect to the data stores, each store on its own port, and nothing may connect to the Job', () => {
    const dataStoreLabels = { 'app.kubernetes.io/component': 'data-store', 'app.kubernetes.io/name': 'postgres' };
    const admitting = policies().filter((p) => p.spec.ingress?.length && selects(p.spec.podSelector.matchLabels, dataStoreLabels));
    expect(admitting.map((p) => p.metadata.name)).toEqual(['data-stores-ingress']);
    const [policy] = admitting;
    expect(policy!.spec.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'api' } } }],
        ports: Object.values(DATA_STORES).map((port) => ({ protocol: 'TCP', port })),
      },
    ]);
    // component=api is exactly the four services' pods.
    const api = workloadsOf(objects()).filter((w) => w.spec.template.metadata.labels?.['app.kubernetes.io/component'] === 'api');
    expect(api.map((w) => w.metadata.name).sort()).toEqual([...serviceNames].sort());
    const job = named(byKind<Workload>(objects(), 'Job'), 'dev-secrets').spec.template.metadata.labels;
    expect(policies().filter((p) => p.spec.ingress?.length && selects(p.spec.podSelector.matchLabels, job))).toEqual([]);
  });

  it('then the Job may only get and create Secrets in its namespace, and reach nothing but the API server’s ports', () => {
    const role = named(byKind<K8sObject & { rules: Rule[] }>(objects(), 'Role'), 'dev-secrets');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['dev-data-stores'], verbs: ['get'] },
    ]);
    const binding = named(
      byKind<K8sObject & { roleRef: { kind: string; name: string }; subjects: { kind: string; name: string; namespace: string }[] }>(
        objects(),
        'RoleBinding',
      ),
      'dev-secrets',
    );
    expect(binding.roleRef).toMatchObject({ kind: 'Role', name: 'dev-secrets' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'dev-secrets', namespace: 'secureevent-dev' }]);
    named(byKind(objects(), 'ServiceAccount'), 'dev-secrets');
    const jobPod = named(byKind<Workload>(objects(), 'Job'), 'dev-secrets').spec.template;
    const egress = policies().filter((p) => p.spec.egress?.length && selects(p.spec.podSelector.matchLabels, jobPod.metadata.labels));
    expect(egress.map((p) => p.metadata.name).sort()).toEqual(['allow-dns', 'dev-secrets-egress']);
    const rules = named(policies(), 'dev-secrets-egress').spec.egress as { ports: { port: number }[]; to: Peer[] }[];
    expect(rules.flatMap((r) => r.ports.map((p) => p.port)).sort()).toEqual([443, 6443]);
    expect(JSON.stringify(rules)).toContain('169.254.0.0/16');
    // Its script is the file the test runs (platform/test/dev-secrets.test.ts), loaded into the ConfigMap as it is.
    const script = jobPod.spec.volumes?.find((v) => v.configMap)?.configMap;
    const configMap = named(byKind(objects(), 'ConfigMap'), script!.name);
    expect(configMap.data?.['generate-secrets.mjs']).toBe(
      fs.readFileSync(path.join(root, 'ci-cd', 'helm-charts', 'secureevent', 'files', 'dev-data-stores', 'generate-secrets.mjs'), 'utf8'),
    );
    expect(jobPod.spec.containers[0]!.image).toMatch(/^registry\.example\.com\/secureevent\/mirror\/node:20-[\w.-]+$/);
  });

  it('then PostgreSQL gives every service a role and a database of its own, from the passwords the data stores’ Secret holds', () => {
    const set = named(byKind<Workload>(objects(), 'StatefulSet'), 'postgres');
    const env = set.spec.template.spec.containers[0]!.env ?? [];
    const fromSecret = env.filter((e) => e.valueFrom?.secretKeyRef?.name === 'dev-data-stores').map((e) => e.name);
    expect(fromSecret.sort()).toEqual(
      ['POSTGRES_PASSWORD', ...serviceNames.map((s) => `${s.replace('-', '_').toUpperCase()}_POSTGRES_PASSWORD`)].sort(),
    );
    const init = named(byKind(objects(), 'ConfigMap'), 'dev-data-stores').data?.['postgres-init.sh'] ?? '';
    for (const [role, database] of [
      ['user_service', 'users'],
      ['event_service', 'events'],
      ['notification_service', 'notifications'],
      ['audit_service', 'audit'],
    ])
      expect(init).toContain(`${role}:${database}`);
    expect(init).toContain('CREATE DATABASE :"database" OWNER :"role"');
    expect(init).toContain('REVOKE ALL ON DATABASE :"database" FROM PUBLIC');
  });

  it('when prod is rendered, then none of it is there (production uses operators or managed services)', () => {
    const prod = render('prod');
    expect(prod.filter((o) => o.kind === 'StatefulSet' || o.kind === 'Job')).toEqual([]);
    expect(prod.some((o) => o.metadata.name.startsWith('dev-'))).toBe(false);
  });
});

/**
 * platform/nginx/nginx.conf.template's routing table: every `location` that proxies to a
 * service, as path → Kubernetes Service name. `= /ws` and `^~ /ws/` are one Prefix path `/ws`.
 */
function nginxRoutes(): Map<string, string> {
  const template = fs.readFileSync(path.join(root, 'platform', 'nginx', 'nginx.conf.template'), 'utf8');
  const routes = new Map<string, string>();
  const location = /location\s+(=|\^~)\s+(\S+)\s*\{([\s\S]*?)\n\s*\}/g; // a body ends at a line holding only `}`
  for (const m of template.matchAll(location)) {
    const upstream = /proxy_pass\s+http:\/\/([a-z]+)_service;/.exec(m[3]!)?.[1];
    if (!upstream) continue;
    routes.set(m[2]!.replace(/\/$/, ''), `${upstream}-service`);
  }
  return routes;
}

describe('the nginx routing table the Ingress is compared with', () => {
  it('when read from platform/nginx, then it holds every service prefix of DESIGN.md §2', () => {
    const routes = nginxRoutes();
    expect(routes.get('/api/auth')).toBe('user-service');
    expect(routes.get('/api/users')).toBe('user-service');
    for (const p of ['/api/events', '/api/registrations', '/api/checkins', '/api/assist']) expect(routes.get(p)).toBe('event-service');
    expect(routes.get('/api/notifications')).toBe('notification-service');
    expect(routes.get('/ws')).toBe('notification-service');
    expect(routes.get('/api/audit')).toBe('audit-service');
  });
});

// ------------------------------------------------------------------ Dockerfiles

interface Instruction {
  op: string;
  args: string;
}
function dockerfile(file: string, args: Record<string, string> = {}): Instruction[] {
  const text = fs
    .readFileSync(path.join(root, file), 'utf8')
    .replace(/\\\n/g, ' ')
    // Build arguments substituted as `docker build --build-arg NAME=value` would.
    .replace(/\$\{(\w+)\}/g, (whole, name: string) => args[name] ?? whole);
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}
const lastStage = (ins: Instruction[]) => ins.slice(ins.map((i) => i.op).lastIndexOf('FROM'));

/** The workspace packages a service imports, transitively (from the package.json files). */
function workspaceDeps(dir: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const direct = Object.keys(pkg.dependencies ?? {})
    .filter((d) => d.startsWith('@secureevent/'))
    .map((d) => `backend/${d.slice('@secureevent/'.length)}`);
  return [...new Set(direct.flatMap((d) => [d, ...workspaceDeps(d)]))];
}

describe('Dockerfiles', () => {
  const prod = () => byKind<Workload>(render('prod'), 'Deployment');

  it('when backend/Dockerfile is built without SERVICE or PORT, then it stops (they have no defaults)', () => {
    const ins = dockerfile('backend/Dockerfile');
    expect(ins.filter((i) => i.op === 'ARG').map((i) => i.args)).toEqual(expect.arrayContaining(['SERVICE', 'PORT']));
    expect(ins.filter((i) => i.op === 'ARG').every((i) => !i.args.includes('='))).toBe(true);
    expect(ins.some((i) => i.op === 'RUN' && i.args.includes('test -f "backend/${SERVICE}/package.json"'))).toBe(true);
    // No per-service copies left beside the shared one.
    for (const svc of serviceNames) expect(fs.existsSync(path.join(root, 'backend', svc, 'Dockerfile'))).toBe(false);
  });

  it('when backend/Dockerfile is built, then its build stage takes no argument and compiles every service, so the four images share it', () => {
    const ins = dockerfile('backend/Dockerfile');
    const build = ins.slice(
      0,
      ins.findIndex((i, n) => n > 0 && i.op === 'FROM'),
    );
    expect(build[0]?.args).toBe('node:20-bookworm-slim AS build');
    // An argument (or a use of one) would make the stage differ per image and defeat the layer cache.
    expect(build.filter((i) => i.op === 'ARG')).toEqual([]);
    expect(build.some((i) => i.args.includes('${'))).toBe(false);
    const backendServices = fs.readdirSync(path.join(root, 'backend')).filter((d) => d.endsWith('-service'));
    expect(backendServices.sort()).toEqual([...serviceNames].sort());
    for (const svc of backendServices) {
      expect(
        build.some((i) => i.op === 'COPY' && i.args === `backend/${svc}/package.json backend/${svc}/`),
        svc,
      ).toBe(true);
      expect(
        build.some((i) => i.op === 'RUN' && i.args.startsWith('npm ci ') && i.args.includes(`-w backend/${svc}`)),
        svc,
      ).toBe(true);
      expect(
        build.some((i) => i.op === 'RUN' && i.args.includes(`backend/${svc}/tsconfig.build.json`)),
        svc,
      ).toBe(true);
    }
  });

  it.each(serviceNames)(
    'when backend/Dockerfile is built for %s, then it builds its workspaces on a pinned node:20 image and runs unprivileged',
    (svc) => {
      const file = 'backend/Dockerfile';
      const ins = dockerfile(file, { SERVICE: svc, PORT: String(SERVICES[svc]) });
      for (const from of ins.filter((i) => i.op === 'FROM')) expect(from.args).toMatch(/^node:20-bookworm-slim( AS [\w-]+)?$/);
      // Every workspace it imports is installed and built, or the image fails at start-up.
      for (const dep of [...workspaceDeps(`backend/${svc}`), `backend/${svc}`]) {
        expect(
          ins.some((i) => i.op === 'COPY' && i.args === `${dep}/package.json ${dep}/`),
          `${file} copies ${dep}/package.json`,
        ).toBe(true);
        expect(
          ins.some((i) => i.op === 'RUN' && i.args.includes(`-w ${dep}`) && i.args.includes('--omit=dev')),
          `${file} installs ${dep}'s runtime dependencies`,
        ).toBe(true);
        expect(ins.some((i) => i.op === 'COPY' && i.args === `--from=build /app/${dep}/dist ${dep}/dist`)).toBe(true);
      }
      expect(ins.some((i) => i.op === 'RUN' && i.args.includes('tsc -b ') && i.args.includes(`backend/${svc}/tsconfig.build.json`))).toBe(
        true,
      );
      // Exactly the lockfile's versions: npm ci, never npm install.
      const installs = ins.filter((i) => i.op === 'RUN' && /\bnpm (install|ci)\b/.test(i.args));
      expect(installs.length).toBe(2);
      for (const run of installs) {
        expect(run.args).toMatch(/^npm ci /);
        expect(run.args).toContain('--no-audit --no-fund');
      }

      const final = lastStage(ins);
      const user = final.find((i) => i.op === 'USER')?.args;
      expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
      const podUser = named(prod(), svc).spec.template.spec.securityContext?.runAsUser;
      expect(user?.split(':')[0]).toBe(String(podUser));
      expect(final.find((i) => i.op === 'EXPOSE')?.args).toBe(String(SERVICES[svc]));
      expect(final.find((i) => i.op === 'ENV')?.args).toContain(`PORT=${SERVICES[svc]}`);
      expect(final.find((i) => i.op === 'ENV')?.args).toMatch(/DATA_DIR=\/tmp\//);
      expect(final.find((i) => i.op === 'HEALTHCHECK')?.args).toContain("/healthz'");
      expect(final.find((i) => i.op === 'CMD')?.args).toBe('["node", "main.js"]');
      expect(ins.some((i) => i.op === 'RUN' && i.args === `ln -s "backend/${svc}/dist/main.js" main.js`)).toBe(true);
      // Nothing secret is baked into an image.
      for (const i of ins.filter((x) => x.op === 'ENV' || x.op === 'ARG'))
        expect(i.args).not.toMatch(/SECRET|PASSWORD|PRIVATE|TOKEN|_URL=/);
    },
  );

  it('when the gateway Dockerfile is read, then it pins its images, runs nginx unprivileged as the pod does, and checks /healthz', () => {
    const ins = dockerfile('platform/gateway/Dockerfile');
    const froms = ins.filter((i) => i.op === 'FROM').map((i) => i.args);
    expect(froms[0]).toBe('node:20-bookworm-slim AS build');
    expect(froms.at(-1)).toMatch(/^nginx:\d+\.\d+-bookworm$/);
    const final = lastStage(ins);
    expect(final.find((i) => i.op === 'USER')?.args).toBe(`${named(prod(), 'gateway').spec.template.spec.securityContext?.runAsUser}:101`);
    expect(final.find((i) => i.op === 'EXPOSE')?.args).toBe('8080');
    expect(final.find((i) => i.op === 'HEALTHCHECK')?.args).toContain('http://127.0.0.1:8080/healthz');
    expect(ins.some((i) => i.op === 'RUN' && i.args === 'node platform/gateway/render-nginx-conf.mjs /opt/nginx-conf')).toBe(true);
    // Swagger UI's pinned version is read from the lockfile before any workspace install touches it.
    const swagger = ins.findIndex((i) => i.op === 'RUN' && i.args.includes("packages['node_modules/swagger-ui-dist'].version"));
    const workspaceInstall = ins.findIndex((i) => i.op === 'RUN' && i.args.includes('npm ci') && i.args.includes('-w '));
    // The lockfiles' versions, for the contracts workspace and the web app alike.
    expect(ins.filter((i) => i.op === 'RUN' && /\bnpm install\b/.test(i.args)).map((i) => i.args)).toEqual([
      expect.stringContaining('--prefix /opt/swagger'),
    ]);
    expect(ins.some((i) => i.op === 'RUN' && i.args.startsWith('npm ci --prefix frontend/angular-app'))).toBe(true);
    expect(swagger).toBeGreaterThan(-1);
    expect(swagger).toBeLessThan(workspaceInstall);
  });

  it('when .dockerignore is read, then host builds, dependencies, data and secrets stay out of the build context', () => {
    const ignored = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['**/node_modules', '**/dist', 'data', '.git', '.env', '**/.env']) expect(ignored).toContain(entry);
  });
});

// ------------------------------------------------------------------ the gateway's nginx config

describe('the gateway image nginx config (rendered from platform/nginx/nginx.conf.template)', () => {
  const renderConf = (out: string, ...args: string[]) =>
    spawnSync(process.execPath, [path.join(root, 'platform', 'gateway', 'render-nginx-conf.mjs'), out, ...args], { encoding: 'utf8' });

  it('when rendered for the image, then its upstreams are the Kubernetes Services and their ports', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'secureevent-gateway-'));
    try {
      const r = renderConf(out);
      expect(r.status, r.stderr).toBe(0);
      const conf = fs.readFileSync(path.join(out, 'nginx.conf'), 'utf8');
      const services = byKind<{ metadata: Meta; spec: { ports: { port: number }[] } }>(render('prod'), 'Service');
      for (const svc of serviceNames) {
        expect(conf).toContain(`server ${svc}:${named(services, svc).spec.ports[0]!.port} max_fails=0;`);
      }
      expect(conf).not.toMatch(/server 127\.0\.0\.1/);
      expect(conf).toContain('listen 0.0.0.0:8080;');
      expect(conf).not.toMatch(/\$\{[A-Z]/);
      expect(fs.existsSync(path.join(out, 'proxy-headers.conf'))).toBe(true);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('when rendered with loopback upstreams, then nginx -t accepts it', () => {
    const nginx = ['/usr/sbin/nginx', 'nginx'].find((n) => spawnSync(n, ['-v']).status === 0);
    if (!nginx) throw new Error('nginx is not installed: `sudo apt-get install -y nginx` (the distributed mode needs it too).');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'secureevent-gateway-'));
    try {
      const r = renderConf(out, '--set', `RUNTIME_DIR=${out}`, '--upstream-host', '127.0.0.1');
      expect(r.status, r.stderr).toBe(0);
      fs.mkdirSync(path.join(out, 'temp'));
      // The access log is /dev/stdout, which nginx cannot open on a socket (what a pipe to a Node
      // child is): give it a file.
      const stdout = fs.openSync(path.join(out, 'stdout.log'), 'w');
      const t = spawnSync(nginx, ['-t', '-q', '-c', path.join(out, 'nginx.conf'), '-e', 'stderr'], {
        encoding: 'utf8',
        stdio: ['ignore', stdout, 'pipe'],
      });
      fs.closeSync(stdout);
      expect(t.status, t.stderr).toBe(0);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
