import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

/**
 * The Helm chart (ci-cd/helm-charts/secureevent) beside the Kustomize overlays: `helm lint`, the
 * values schema, and — the point — for the same values the chart renders the same objects as
 * k8s/overlays/<env> (+ k8s/cluster/<env> with the admission policy on), once both renderings are
 * normalised (Helm's own labels, the config checksum, Kustomize's ConfigMap name hash).
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const chart = path.join(root, 'ci-cd', 'helm-charts', 'secureevent');
const ENVS = {
  prod: { namespace: 'secureevent', values: [] as string[] },
  dev: { namespace: 'secureevent-dev', values: ['values-dev.yaml'] },
};
type Env = keyof typeof ENVS;

type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } } & Record<string, unknown>;

function tool(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) {
    throw new Error(
      `${cmd} is not on PATH: install kubectl and helm with \`bash platform/scripts/install-kube-tools.sh DIR\` and put DIR on PATH`,
    );
  }
  return r;
}
const objects = (yaml: string) =>
  parseAllDocuments(yaml)
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null);

function helmTemplate(env: Env, ...set: string[]): Obj[] {
  const args = ['template', 'secureevent', chart, '--namespace', ENVS[env].namespace];
  for (const f of ENVS[env].values) args.push('-f', path.join(chart, f));
  for (const s of set) args.push('--set', s);
  const r = tool('helm', args);
  if (r.status !== 0) throw new Error(`helm template failed:\n${r.stderr}`);
  return objects(r.stdout);
}
function kustomize(dir: string): Obj[] {
  const r = tool('kubectl', ['kustomize', path.join(root, dir)]);
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${r.stderr}`);
  return objects(r.stdout);
}

/** Both renderings in one form: sorted, without what only one of the tools adds. */
function normalise(list: Obj[]): Obj[] {
  return list
    .map((o) => {
      // Kustomize names the generated ConfigMap with a content hash; Helm rolls pods by a checksum annotation.
      const copy = JSON.parse(JSON.stringify(o).replace(/"secureevent-config-[a-z0-9]{10}"/g, '"secureevent-config"')) as Obj;
      const labels = copy.metadata.labels;
      if (labels) {
        delete labels['helm.sh/chart'];
        delete labels['app.kubernetes.io/managed-by'];
      }
      const template = (copy.spec as { template?: { metadata?: { annotations?: Record<string, string> } } } | undefined)?.template;
      if (template?.metadata?.annotations) {
        expect(template.metadata.annotations['checksum/config'], `${o.kind}/${o.metadata.name}: config checksum`).toMatch(/^[0-9a-f]{64}$/);
        delete template.metadata.annotations['checksum/config'];
        if (Object.keys(template.metadata.annotations).length === 0) delete template.metadata.annotations;
      }
      return copy;
    })
    .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
}

describe('ci-cd/helm-charts/secureevent', () => {
  it('when linted strictly with each environment’s values, then helm lint passes', () => {
    for (const env of Object.keys(ENVS) as Env[]) {
      const args = ['lint', '--strict', chart, '--namespace', ENVS[env].namespace];
      for (const f of ENVS[env].values) args.push('-f', path.join(chart, f));
      const r = tool('helm', args);
      expect(r.status, `${env}: ${r.stdout}${r.stderr}`).toBe(0);
    }
  });

  it.each(Object.keys(ENVS) as Env[])(
    'when rendered with the %s values, then it holds exactly the objects of the Kustomize overlay',
    (env) => {
      const helm = normalise(helmTemplate(env));
      const kustomized = normalise(kustomize(`k8s/overlays/${env}`));
      expect(helm.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(kustomized.map((o) => `${o.kind}/${o.metadata.name}`));
      for (let i = 0; i < helm.length; i++) expect(helm[i], `${helm[i]!.kind}/${helm[i]!.metadata.name}`).toEqual(kustomized[i]);
      // Dev brings its own data stores and credentials Job (devDataStores, files/dev-data-stores); prod none.
      const extra = helm.filter((o) => ['StatefulSet', 'Job'].includes(o.kind)).map((o) => `${o.kind}/${o.metadata.name}`);
      expect(extra).toEqual(env === 'dev' ? ['Job/dev-secrets', 'StatefulSet/postgres', 'StatefulSet/rabbitmq', 'StatefulSet/redis'] : []);
    },
  );

  it.each(Object.keys(ENVS) as Env[])(
    'when the admission policy is enabled for %s, then it adds exactly the objects of k8s/cluster/<env>',
    (env) => {
      const names = (l: Obj[]) => new Set(l.map((o) => `${o.kind}/${o.metadata.name}`));
      const without = names(helmTemplate(env));
      const added = normalise(
        helmTemplate(env, 'policies.trustedImages.enabled=true').filter((o) => !without.has(`${o.kind}/${o.metadata.name}`)),
      );
      expect(added).toEqual(normalise(kustomize(`k8s/cluster/${env}`)));
    },
  );

  it('when audit retention is on, then the chart renders what the prod overlay with k8s/components/audit-retention renders', () => {
    // A scratch overlay: the prod overlay plus the component, by relative paths (Kustomize refuses absolute ones).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secureevent-retention-'));
    try {
      const rel = path.relative(dir, root);
      fs.writeFileSync(
        path.join(dir, 'kustomization.yaml'),
        [
          'apiVersion: kustomize.config.k8s.io/v1beta1',
          'kind: Kustomization',
          'namespace: secureevent',
          'resources:',
          `  - ${rel}/k8s/overlays/prod`,
          'components:',
          `  - ${rel}/k8s/components/audit-retention`,
          '',
        ].join('\n'),
      );
      const r = tool('kubectl', ['kustomize', dir]);
      if (r.status !== 0) throw new Error(`kubectl kustomize failed:\n${r.stderr}`);
      const kustomized = normalise(objects(r.stdout));
      const helm = normalise(helmTemplate('prod', 'audit.retentionDays=365'));
      expect(helm.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(kustomized.map((o) => `${o.kind}/${o.metadata.name}`));
      for (let i = 0; i < helm.length; i++) expect(helm[i], `${helm[i]!.kind}/${helm[i]!.metadata.name}`).toEqual(kustomized[i]);
      const audit = helm.find((o) => o.kind === 'Deployment' && o.metadata.name === 'audit-service') as unknown as {
        spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
      };
      expect(audit.spec.template.spec.containers[0]!.env.map((e) => e.name)).toEqual([
        'PORT',
        'PLATFORM_HEALTH_URLS',
        'AUDIT_SIGNING_KEY',
        'AUDIT_RETENTION_DAYS',
        'AUDIT_ARCHIVE_DIR',
      ]);
      expect(helm.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'audit-archive')).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a value breaks the schema, then helm refuses to render, naming it', () => {
    const bad = [
      ['spread.nodes=Sometimes', 'spread.nodes'],
      ['services.user-service.port=70000', 'port'],
      ['imagePullPolicy=Sometimes', 'imagePullPolicy'],
      ['policies.trustedImages.registries[0]=docker.io', 'registries'],
      ['config.DATABASE_URL=postgres://u:p@db/x', 'config'],
      ['audit.retentionDays=0', 'retentionDays'],
      ['devDataStores.enabled=maybe', 'devDataStores'],
    ];
    for (const [set, field] of bad) {
      const r = tool('helm', ['template', 'secureevent', chart, '--set', set!]);
      expect(r.status, set).not.toBe(0);
      expect(r.stderr, set).toContain(field!);
    }
  });

  it('when neither a tag nor a digest is set for an image, then helm refuses to render, naming the image', () => {
    const r = tool('helm', ['template', 'secureevent', chart, '--set', 'gateway.image.digest=null']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('gateway: set image.tag or image.digest');
  });

  it('when the chart is read, then every values key is in the schema, and the schema allows no unknown keys', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(chart, 'values.schema.json'), 'utf8')) as {
      additionalProperties?: boolean;
      properties: Record<string, unknown>;
    };
    expect(schema.additionalProperties).toBe(false);
    const values = objects(fs.readFileSync(path.join(chart, 'values.yaml'), 'utf8'))[0] as unknown as Record<string, unknown>;
    expect(Object.keys(values).sort()).toEqual(Object.keys(schema.properties).sort());
    const r = tool('helm', ['template', 'secureevent', chart, '--set', 'replicaCount=3']);
    expect(r.status).not.toBe(0);
  });
});
