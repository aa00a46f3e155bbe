import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import { ApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

/**
 * ci-cd/argocd (GitOps): the AppProjects and the ApplicationSet validated against the Argo CD
 * models, and checked against what they deploy: every generated Application's path renders with
 * `kubectl kustomize`, into the namespace its overlay declares, and every kind it renders is one
 * its project allows (Argo CD would refuse to sync anything else).
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = path.join(root, 'ci-cd', 'argocd');

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<string, unknown>;
interface GroupKind {
  group: string;
  kind: string;
}
interface ProjectSpec {
  sourceRepos: string[];
  destinations: { server: string; namespace: string }[];
  clusterResourceWhitelist?: GroupKind[];
  namespaceResourceWhitelist?: GroupKind[];
  namespaceResourceBlacklist?: GroupKind[];
}
interface Element {
  name: string;
  project: string;
  path: string;
  namespace: string;
  wave: string;
}
interface AppSetSpec {
  goTemplate: boolean;
  generators: { list: { elements: Element[] } }[];
  template: {
    metadata: { name: string; annotations?: Record<string, string> };
    spec: {
      project: string;
      source: { repoURL: string; targetRevision: string; path: string };
      destination: { server: string; namespace: string };
      syncPolicy: { automated?: { prune?: boolean; selfHeal?: boolean } };
    };
  };
}

const all: Obj[] = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as Obj));
const projects = all.filter((o) => o.kind === 'AppProject') as (Obj & { spec: ProjectSpec })[];
const appSets = all.filter((o) => o.kind === 'ApplicationSet') as (Obj & { spec: AppSetSpec })[];
const elements = appSets.flatMap((a) => a.spec.generators.flatMap((g) => g.list.elements));

/** The ApplicationSet's Go template for one element ({{.key}} only, as it uses). */
const fill = (template: string, e: Element) =>
  template.replace(/\{\{\.(\w+)\}\}/g, (_m, k: string) => {
    if (!(k in e)) throw new Error(`template uses {{.${k}}}, which element ${e.name} lacks (missingkey=error)`);
    return String(e[k as keyof Element]);
  });

function kustomize(p: string): Obj[] {
  const r = spawnSync('kubectl', ['kustomize', path.join(root, p)], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`kubectl kustomize ${p} failed (kubectl on PATH?): ${r.stderr ?? String(r.error)}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
}
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ClusterRole',
  'ClusterRoleBinding',
]);

describe('ci-cd/argocd', () => {
  it('when parsed, then every object is a valid Argo CD AppProject or ApplicationSet in the argocd namespace', () => {
    expect(all.map((o) => o.kind).sort()).toEqual(['AppProject', 'AppProject', 'ApplicationSet']);
    for (const o of all) {
      const Model = o.kind === 'AppProject' ? AppProject : ApplicationSet;
      expect(() => new Model(o as never).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
      expect(o.metadata.namespace).toBe('argocd');
    }
  });

  it('then the ApplicationSet makes one Application per overlay and per cluster layer, from this repository, syncing by itself', () => {
    const expected = ['k8s/cluster/dev', 'k8s/cluster/prod', 'k8s/overlays/dev', 'k8s/overlays/prod'];
    expect(elements.map((e) => e.path).sort()).toEqual(expected);
    const [set] = appSets;
    expect(set!.spec.goTemplate).toBe(true);
    expect(set!.spec.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(new Set(elements.map((e) => fill(set!.spec.template.metadata.name, e))).size).toBe(elements.length);
    // The cluster policy is in force before the workloads it checks.
    for (const e of elements) expect(Number(e.wave)).toBe(e.path.startsWith('k8s/cluster/') ? -1 : 0);
    for (const p of projects) expect(p.spec.sourceRepos).toContain(set!.spec.template.spec.source.repoURL);
  });

  it.each(['k8s/overlays/dev', 'k8s/overlays/prod', 'k8s/cluster/dev', 'k8s/cluster/prod'])(
    'when the Application for %s syncs, then its project allows its destination and every kind it renders, and no Secret',
    (p) => {
      const [set] = appSets;
      const e = elements.find((x) => x.path === p)!;
      const spec = set!.spec.template.spec;
      const project = projects.find((x) => x.metadata.name === fill(spec.project, e));
      expect(project, `project ${fill(spec.project, e)}`).toBeDefined();
      const destination = { server: spec.destination.server, namespace: fill(spec.destination.namespace, e) };
      expect(project!.spec.destinations).toContainEqual(destination);
      const objects = kustomize(fill(spec.source.path, e));
      expect(objects.length).toBeGreaterThan(0);
      const allowed = (list: GroupKind[] | undefined, o: Obj) =>
        (list ?? []).some((g) => g.group === groupOf(o.apiVersion) && g.kind === o.kind);
      for (const o of objects) {
        const where = `${o.kind}/${o.metadata.name}`;
        if (CLUSTER_SCOPED.has(o.kind)) {
          expect(allowed(project!.spec.clusterResourceWhitelist, o), `${where}: cluster kind allowed`).toBe(true);
        } else {
          expect(allowed(project!.spec.namespaceResourceWhitelist, o), `${where}: namespaced kind allowed`).toBe(true);
          // Namespaced objects land in the Application's destination namespace.
          expect(o.metadata.namespace, where).toBe(destination.namespace);
        }
      }
      expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
      if (project!.metadata.name === 'secureevent')
        expect(project!.spec.namespaceResourceBlacklist).toContainEqual({ group: '', kind: 'Secret' });
    },
  );
});
