import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

/**
 * monitoring/: the Prometheus configs and alert rules checked and unit-tested with promtool (which
 * runs here), and the metric names in rules and dashboards checked against the code. Loki and
 * Grafana cannot run here; their files are checked for shape only.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const prom = path.join(root, 'monitoring', 'prometheus');

/** promtool is required: `.ci/run` installs it (Debian package prometheus); never skip. */
function promtool(...args: string[]) {
  const r = spawnSync('promtool', args, { cwd: prom, encoding: 'utf8' });
  if (r.error) {
    throw new Error(
      'promtool is not installed or not on PATH: install it with `sudo apt-get install -y --no-install-recommends prometheus` and run the tests again.',
    );
  }
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const read = (...p: string[]) => fs.readFileSync(path.join(root, ...p), 'utf8');
const ruleFiles = () => fs.readdirSync(path.join(prom, 'rules')).filter((f) => f.endsWith('.yml'));

interface Rule {
  alert?: string;
  expr: string;
}
const rules = (): Rule[] =>
  ruleFiles().flatMap((f) =>
    (parse(read('monitoring', 'prometheus', 'rules', f)) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules),
  );

/** Every metric name the services define: prom-client `name:` / counter('…') / histogram('…') in backend/*\/src, plus the HTTP histogram. */
function definedMetrics(): Set<string> {
  const names = new Set(['http_request_duration_seconds', 'up', 'process_resident_memory_bytes']);
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/['"](secureevent_[a-z_]+)['"]/g)) names.add(m[1]!);
      }
    }
  };
  for (const pkg of fs.readdirSync(path.join(root, 'backend'))) {
    const src = path.join(root, 'backend', pkg, 'src');
    if (fs.existsSync(src)) walk(src);
  }
  return names;
}

/** The metric names a PromQL expression reads (histogram/counter suffixes stripped). */
function metricsIn(expr: string): string[] {
  const found = expr.match(/\b(secureevent_[a-z_]+|http_request_duration_seconds\w*|process_resident_memory_bytes|up)(?=\s*[{[)])/g) ?? [];
  return found.map((n) => n.replace(/_(bucket|sum|count)$/, ''));
}

describe('Prometheus (promtool)', () => {
  it('when the distributed-mode config is checked, then promtool accepts it and its rule files', () => {
    const r = promtool('check', 'config', 'prometheus.yml');
    expect(r.status, r.output).toBe(0);
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('when the embedded-mode config is checked, then promtool accepts it and it scrapes the loopback METRICS_PORT, not the public port', async () => {
    const r = promtool('check', 'config', 'prometheus-embedded.yml');
    expect(r.status, r.output).toBe(0);
    const config = parse(read('monitoring', 'prometheus', 'prometheus-embedded.yml')) as {
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    const { loadPlatformConfig } = await import('../src/config.js');
    const { METRICS_HOST, METRICS_PORT, PORT } = loadPlatformConfig({});
    expect(config.scrape_configs[0]!.static_configs[0]!.targets).toEqual([`${METRICS_HOST}:${METRICS_PORT}`]);
    expect(METRICS_PORT).not.toBe(PORT ?? 8080);
  });

  it('when the Kubernetes config is checked, then promtool accepts everything but the discovery Debian leaves out', () => {
    // Debian's promtool is built without Kubernetes service discovery, so the same file with a static
    // target in place of kubernetes_sd_configs is checked (relabelling, rule files, everything else).
    const original = read('monitoring', 'prometheus', 'prometheus-kubernetes.yml');
    const direct = promtool('check', 'config', 'prometheus-kubernetes.yml');
    if (direct.status !== 0) expect(direct.output).toMatch(/field kubernetes_sd_configs not found/);
    const config = parse(original) as { rule_files: string[]; scrape_configs: Record<string, unknown>[] };
    // The copy goes to a scratch directory, so its rule files are named by absolute path.
    config.rule_files = config.rule_files.map((f) => path.join(prom, f));
    for (const job of config.scrape_configs) {
      expect(job.kubernetes_sd_configs, `${String(job.job_name)} discovers its targets`).toBeDefined();
      delete job.kubernetes_sd_configs;
      job.static_configs = [{ targets: ['placeholder:3001'] }];
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secureevent-prometheus-'));
    try {
      // The in-cluster service-account files (kubelet job) exist only in a pod: scratch stand-ins.
      for (const job of config.scrape_configs as { authorization?: { credentials_file?: string }; tls_config?: { ca_file?: string } }[]) {
        if (job.authorization?.credentials_file) fs.writeFileSync((job.authorization.credentials_file = path.join(dir, 'token')), 'x');
        if (job.tls_config?.ca_file) fs.writeFileSync((job.tls_config.ca_file = path.join(dir, 'ca.crt')), '');
      }
      const copy = path.join(dir, 'prometheus-kubernetes.yml');
      fs.writeFileSync(copy, JSON.stringify(config));
      const r = promtool('check', 'config', copy);
      expect(r.status, r.output).toBe(0);
      expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('then the Kubernetes jobs beyond our namespaces have their cluster RBAC beside the config, for the same ServiceAccount', () => {
    const config = parse(read('monitoring', 'prometheus', 'prometheus-kubernetes.yml')) as { scrape_configs: { job_name: string }[] };
    expect(config.scrape_configs.map((j) => j.job_name)).toEqual(['secureevent', 'kube-state-metrics', 'kubelet-cadvisor']);
    type Rbac = {
      kind: string;
      rules?: { resources: string[]; verbs: string[] }[];
      subjects?: { kind: string; name: string; namespace: string }[];
    };
    const docs = parseAllDocuments(read('monitoring', 'prometheus', 'kubernetes-rbac.yaml')).map((d) => d.toJS() as Rbac);
    const role = docs.find((d) => d.kind === 'ClusterRole')!;
    const may = (resource: string, verb: string) => role.rules!.some((r) => r.resources.includes(resource) && r.verbs.includes(verb));
    for (const [resource, verb] of [
      ['nodes', 'list'],
      ['nodes/proxy', 'get'],
      ['endpoints', 'watch'],
      ['pods', 'list'],
    ])
      expect(may(resource!, verb!), `${resource} ${verb}`).toBe(true);
    expect(role.rules!.flatMap((r) => r.verbs)).not.toEqual(expect.arrayContaining(['create']));
    const base = parseAllDocuments(read('k8s', 'base', 'prometheus-rbac.yaml')).map((d) => d.toJS() as Rbac);
    const subject = (list: Rbac[], kind: string) => list.find((d) => d.kind === kind)!.subjects;
    expect(subject(docs, 'ClusterRoleBinding')).toEqual(subject(base, 'RoleBinding'));
  });

  it('when the rules are checked, then promtool accepts every rule file', () => {
    const files = ruleFiles().map((f) => `rules/${f}`);
    expect(files.length).toBeGreaterThan(0);
    const r = promtool('check', 'rules', ...files);
    expect(r.status, r.output).toBe(0);
  });

  it('when the rule unit tests run, then every one passes', () => {
    const tests = fs.readdirSync(path.join(prom, 'tests')).filter((f) => f.endsWith('.yml'));
    expect(tests.length).toBeGreaterThan(0);
    const r = promtool('test', 'rules', ...tests.map((t) => `tests/${t}`));
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain('SUCCESS');
  });

  it('then every alert has a unit test in which it fires', () => {
    const tests = fs.readdirSync(path.join(prom, 'tests')).flatMap(
      (f) =>
        (
          parse(read('monitoring', 'prometheus', 'tests', f)) as {
            tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
          }
        ).tests,
    );
    const firing = new Set(tests.flatMap((t) => t.alert_rule_test ?? []).flatMap((a) => (a.exp_alerts.length > 0 ? [a.alertname] : [])));
    const alerts = rules().flatMap((r) => (r.alert ? [r.alert] : []));
    expect(alerts.length).toBeGreaterThanOrEqual(10);
    for (const alert of alerts) expect(firing, alert).toContain(alert);
  });

  it('then the alerts cover what we promised: down, 5xx, p99, outbox, dead letters, email, WebSockets, lost dependencies', () => {
    const exprs = rules().map((r) => r.expr);
    for (const needle of [
      'up{',
      'status_code=~"5..',
      'histogram_quantile(0.99',
      'secureevent_outbox_publish_failures_total',
      'outcome="dead_lettered"',
      'secureevent_email_deliveries_total{outcome="failed"}',
      'secureevent_ws_connections',
      'secureevent_dependency_up{dependency="database"}',
      'secureevent_dependency_up{dependency!="database"}',
    ]) {
      expect(
        exprs.some((e) => e.includes(needle)),
        needle,
      ).toBe(true);
    }
  });

  it('then rules and dashboards read only metrics the services define', () => {
    const defined = definedMetrics();
    expect(defined).toContain('secureevent_outbox_publish_failures_total');
    const exprs = [
      ...rules().map((r) => r.expr),
      ...fs
        .readdirSync(path.join(root, 'monitoring', 'grafana', 'dashboards'))
        .flatMap((f) => [...read('monitoring', 'grafana', 'dashboards', f).matchAll(/"expr": "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!)),
    ];
    const used = new Set(exprs.flatMap(metricsIn));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(defined, `${name} is not defined in backend/*/src`).toContain(name);
  });

  it('then the distributed-mode targets are the services on their ports', () => {
    const config = parse(read('monitoring', 'prometheus', 'prometheus.yml')) as {
      scrape_configs: { static_configs: { targets: string[]; labels: { app: string } }[] }[];
    };
    const targets = Object.fromEntries(config.scrape_configs[0]!.static_configs.map((s) => [s.labels.app, s.targets]));
    expect(targets).toEqual({
      'user-service': ['127.0.0.1:3001'],
      'event-service': ['127.0.0.1:3002'],
      'notification-service': ['127.0.0.1:3003'],
      'audit-service': ['127.0.0.1:3004'],
    });
  });
});

describe('Loki, Promtail, Alloy and Grafana files (not runnable here: shape only)', () => {
  it('when the Promtail config is read, then it parses our JSON logs and labels only low-cardinality fields', () => {
    const config = parse(read('monitoring', 'loki', 'promtail-config.yml')) as {
      scrape_configs: { pipeline_stages: Record<string, Record<string, unknown> | null>[] }[];
    };
    const stages = config.scrape_configs[0]!.pipeline_stages;
    const json = stages.find((s) => 'json' in s)?.json as { expressions: Record<string, string> } | undefined;
    expect(Object.keys(json?.expressions ?? {})).toEqual(expect.arrayContaining(['level', 'service', 'requestId', 'traceId']));
    const labels = Object.keys((stages.find((s) => 'labels' in s)?.labels as Record<string, unknown> | undefined) ?? {});
    expect(labels.sort()).toEqual(['level', 'service']);
    const metadata = Object.keys((stages.find((s) => 'structured_metadata' in s)?.structured_metadata as Record<string, unknown>) ?? {});
    expect(metadata.sort()).toEqual(['requestId', 'traceId']);
    expect(parse(read('monitoring', 'loki', 'loki-config.yml'))).toHaveProperty('schema_config');
  });

  it('when the Alloy config is read, then it ships the same pods to the same Loki with the same labels and structured metadata as Promtail', () => {
    const alloy = read('monitoring', 'alloy', 'config.alloy');
    const code = alloy.replace(/^\s*\/\/.*$/gm, '');
    // Balanced blocks: a cut or a stray brace would stop Alloy at start.
    expect(code.split('{').length).toBe(code.split('}').length);
    const block = (name: string) => {
      const start = code.indexOf(`${name} {`);
      expect(start, name).toBeGreaterThanOrEqual(0);
      let depth = 0;
      for (let i = code.indexOf('{', start); i < code.length; i++) {
        if (code[i] === '{') depth++;
        else if (code[i] === '}' && --depth === 0) return code.slice(start, i + 1);
      }
      throw new Error(`${name} is not closed`);
    };
    const keys = (text: string) => [...text.matchAll(/^\s*([A-Za-z_]+)\s*=/gm)].map((m) => m[1]!);
    expect(keys(block('stage.json'))).toEqual(expect.arrayContaining(['level', 'service', 'requestId', 'traceId']));
    expect(
      keys(block('stage.labels'))
        .filter((k) => k !== 'values')
        .sort(),
    ).toEqual(['level', 'service']);
    expect(
      keys(block('stage.structured_metadata'))
        .filter((k) => k !== 'values')
        .sort(),
    ).toEqual(['requestId', 'traceId']);
    // namespace and app come from the pod, as in Promtail.
    const relabel = block('discovery.relabel "secureevent"');
    for (const label of ['namespace', 'app']) expect(relabel).toContain(`target_label  = "${label}"`);
    expect(relabel).toContain('__meta_kubernetes_pod_label_app_kubernetes_io_part_of');
    // Wired end to end: discovery → relabel → source → process → write.
    expect(code).toMatch(/targets\s*=\s*discovery\.kubernetes\.pods\.targets/);
    expect(code).toMatch(/targets\s*=\s*discovery\.relabel\.secureevent\.output/);
    expect(code).toMatch(/forward_to\s*=\s*\[loki\.process\.secureevent\.receiver\]/);
    expect(code).toMatch(/forward_to\s*=\s*\[loki\.write\.loki\.receiver\]/);
    const promtail = parse(read('monitoring', 'loki', 'promtail-config.yml')) as {
      clients: { url: string }[];
      scrape_configs: { kubernetes_sd_configs: { namespaces: { names: string[] } }[] }[];
    };
    expect(block('loki.write "loki"')).toContain(`url = "${promtail.clients[0]!.url}"`);
    const names = promtail.scrape_configs[0]!.kubernetes_sd_configs[0]!.namespaces.names;
    expect(block('namespaces')).toContain(`names = [${names.map((n) => `"${n}"`).join(', ')}]`);
    const loki = parse(read('monitoring', 'loki', 'loki-config.yml')) as { limits_config: { allow_structured_metadata?: boolean } };
    expect(loki.limits_config.allow_structured_metadata).toBe(true);
  });

  it('when the dashboards are read, then they are valid JSON on the provisioned data sources', () => {
    const sources = parse(read('monitoring', 'grafana', 'provisioning', 'datasources', 'secureevent.yml')) as {
      datasources: { uid: string }[];
    };
    const uids = new Set(sources.datasources.map((d) => d.uid));
    const files = fs.readdirSync(path.join(root, 'monitoring', 'grafana', 'dashboards'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      const d = JSON.parse(read('monitoring', 'grafana', 'dashboards', f)) as {
        uid: string;
        panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[];
      };
      expect(d.uid).toMatch(/^secureevent-/);
      expect(d.panels.length).toBeGreaterThan(3);
      for (const p of d.panels) {
        expect(uids, `${f}: ${p.title}`).toContain(p.datasource.uid);
        expect(p.targets.length, p.title).toBeGreaterThan(0);
      }
    }
  });
});
