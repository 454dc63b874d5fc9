"""Ferrodon's rules for its deployment artefacts, run by scripts/validate-deploy
(which installs PyYAML via yamllint, and python-hcl2, into its venv).

Each check prints what it found wrong; the exit status is 1 when any did.
"""
import json
import pathlib
import re
import sys

import hcl2
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROCESSES = ["web", "streaming", "scheduler", "ingress", "push", "pull", "mailers", "default"]
WORKERS = PROCESSES[2:]
problems = []


def problem(where, what):
    problems.append(f"{where}: {what}")


def load_yaml(path):
    return yaml.safe_load((ROOT / path).read_text())


def dockerfile_env(name):
    text = (ROOT / "deploy/Dockerfile").read_text()
    match = re.search(rf"\b{name}=(\S+)", text)
    return match.group(1) if match else None


def check_dockerfile():
    where = "deploy/Dockerfile"
    text = (ROOT / where).read_text()
    if len(re.findall(r"^FROM ", text, re.M)) < 2:
        problem(where, "not a multi-stage build")
    users = re.findall(r"^USER (\S+)", text, re.M)
    if not users or users[-1].split(":")[0] in ("root", "0"):
        problem(where, "the runtime stage must run as a non-root USER")
    if "ffmpeg" not in text:
        problem(where, "the runtime image needs ffmpeg (media processing)")
    for bin_name in ["ferrodonctl"] + [f"ferrodon-{p}" for p in PROCESSES]:
        if bin_name not in text:
            problem(where, f"{bin_name} is not copied into the image")


def health_port(test):
    """The port a `curl http://127.0.0.1:PORT/...` healthcheck probes."""
    match = re.search(r"127\.0\.0\.1:(\d+)/", " ".join(test) if isinstance(test, list) else test)
    return match.group(1) if match else None


def check_compose():
    where = "docker-compose.yml"
    compose = load_yaml(where)
    services = compose["services"]
    metrics_port = dockerfile_env("FERRODON_METRICS_PORT")
    for name in ["postgres", "redis", "migrate", "nginx"] + PROCESSES:
        if name not in services:
            problem(where, f"no service {name}")
    for name, svc in services.items():
        one_shot = svc.get("restart") == "no" or "profiles" in svc
        health = svc.get("healthcheck", {})
        if not one_shot and not health.get("test"):
            problem(where, f"service {name} has no healthcheck")
        ferrodon = svc.get("image", "").startswith("ferrodon")
        if ferrodon and name != "migrate":
            gate = (svc.get("depends_on") or {}).get("migrate", {})
            if gate.get("condition") != "service_completed_successfully":
                problem(where, f"{name} does not wait for migrate (service_completed_successfully)")
            if svc.get("env_file") != ".env.production":
                problem(where, f"{name} does not read .env.production")
        if name in WORKERS and health_port(health.get("test", "")) != metrics_port:
            problem(where, f"{name}'s healthcheck does not probe FERRODON_METRICS_PORT ({metrics_port})")
    expected = {"web": "3000", "streaming": "4000"}
    for name, port in expected.items():
        if health_port(services.get(name, {}).get("healthcheck", {}).get("test", "")) != port:
            problem(where, f"{name}'s healthcheck does not probe port {port}")
    if services.get("scheduler", {}).get("deploy", {}).get("replicas", 1) != 1:
        problem(where, "scheduler must have one replica")
    if services.get("migrate", {}).get("command") != ["ferrodonctl", "db", "migrate"]:
        problem(where, "migrate does not run `ferrodonctl db migrate`")


def check_stack():
    where = "deploy/swarm/docker-stack.yml"
    stack = load_yaml(where)
    services = stack["services"]
    for name in PROCESSES + ["nginx"]:
        svc = services.get(name)
        if svc is None:
            problem(where, f"no service {name}")
        elif not svc.get("healthcheck", {}).get("test"):
            problem(where, f"service {name} has no healthcheck")
    if services.get("scheduler", {}).get("deploy", {}).get("replicas") != 1:
        problem(where, "scheduler must have replicas: 1")


HELM = ROOT / "deploy/helm/ferrodon"


def values_has(values, path):
    node = values
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def check_helm():
    chart = yaml.safe_load((HELM / "Chart.yaml").read_text())
    for key in ["apiVersion", "name", "version", "appVersion"]:
        if key not in chart:
            problem("Chart.yaml", f"missing {key}")
    values = yaml.safe_load((HELM / "values.yaml").read_text())
    processes = values.get("processes", {})
    for name in PROCESSES:
        p = processes.get(name)
        if p is None:
            problem("values.yaml", f"no process {name}")
            continue
        for key in ["command", "replicas", "resources", "kind"]:
            if key not in p:
                problem("values.yaml", f"processes.{name} has no {key}")
    if processes.get("scheduler", {}).get("replicas") != 1:
        problem("values.yaml", "processes.scheduler.replicas must be 1")
    templates = sorted((HELM / "templates").glob("*"))
    helpers = (HELM / "templates/_helpers.tpl").read_text()
    defined = set(re.findall(r'define "([^"]+)"', helpers))
    rendered_kinds = set()
    for tpl in templates:
        text = tpl.read_text()
        where = f"templates/{tpl.name}"
        actions = re.findall(r"{{-?(.*?)-?}}", text, re.S)
        if text.count("{{") != text.count("}}") or len(actions) != text.count("{{"):
            problem(where, "unbalanced {{ }}")
        depth = 0
        for action in actions:
            word = action.strip().split(" ")[0] if action.strip() else ""
            if word in ("if", "range", "with", "define"):
                depth += 1
            elif word == "end":
                depth -= 1
                if depth < 0:
                    problem(where, "{{ end }} without an opening block")
        if depth != 0:
            problem(where, f"{depth} block(s) not closed with {{{{ end }}}}")
        for path in re.findall(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)", text):
            parts = path.strip(".").split(".")
            if not values_has(values, parts):
                problem(where, f".Values.{'.'.join(parts)} is not in values.yaml")
        for name in re.findall(r'include "([^"]+)"', text):
            if name not in defined:
                problem(where, f'include "{name}" is not defined in _helpers.tpl')
        # Per-process fields read through `$p.` must exist on every process
        # of that kind (http fields only on kind: http).
        for field in set(re.findall(r"\$p\.([A-Za-z_]+)", text)):
            http_only = field in ("port", "livenessPath", "readinessPath")
            for name, p in processes.items():
                if (not http_only or p.get("kind") == "http") and field not in p:
                    problem(where, f"processes.{name} has no {field}")
        rendered_kinds.update(re.findall(r"^kind: (\w+)", text, re.M))
    for kind in ["Deployment", "Service", "Ingress", "Job", "ConfigMap", "Secret"]:
        if kind not in rendered_kinds:
            problem("templates", f"no {kind}")
    if "CronJob" in rendered_kinds:
        problem("templates", "no CronJobs: the scheduler does periodic work")
    job = (HELM / "templates/migrate-job.yaml").read_text()
    if "helm.sh/hook: pre-install,pre-upgrade" not in job:
        problem("templates/migrate-job.yaml", "the migration Job is not a pre-install,pre-upgrade hook")
    deployments = (HELM / "templates/deployments.yaml").read_text()
    if "type: Recreate" not in deployments:
        problem("templates/deployments.yaml", "the scheduler is not deployed with strategy Recreate")


def unquote(value):
    """python-hcl2 keeps the quotes of HCL strings."""
    return value.strip('"') if isinstance(value, str) else value


def nomad_groups(job):
    groups = {}
    for group in job.get("group", []):
        for name, body in group.items():
            groups[name.strip('"')] = body
    return groups


def check_nomad():
    files = sorted((ROOT / "deploy/nomad").glob("*.nomad.hcl"))
    if not files:
        problem("deploy/nomad", "no job files")
    jobs = {}
    for path in files:
        where = f"deploy/nomad/{path.name}"
        try:
            parsed = hcl2.loads(path.read_text())
        except Exception as e:  # noqa: BLE001 - any parse error is the finding
            problem(where, f"does not parse: {e}")
            continue
        for job in parsed.get("job", []):
            for name, body in job.items():
                jobs[name.strip('"')] = (where, body)
    where, service = jobs.get("ferrodon", ("deploy/nomad", None))
    if service is None:
        problem(where, "no job ferrodon")
    else:
        if unquote(service.get("type")) != "service":
            problem(where, "job ferrodon is not a service job")
        groups = nomad_groups(service)
        for name in PROCESSES:
            group = groups.get(name)
            if group is None:
                problem(where, f"no group {name}")
                continue
            if not any(s.get("check") for s in group.get("service", [])):
                problem(where, f"group {name} has no health check")
        if groups.get("scheduler", {}).get("count") != 1:
            problem(where, "group scheduler must have count = 1")
    where, migrate = jobs.get("ferrodon-migrate", ("deploy/nomad", None))
    if migrate is None:
        problem(where, "no job ferrodon-migrate")
    elif unquote(migrate.get("type")) != "batch":
        problem(where, "job ferrodon-migrate is not a batch job")
    for name, (where, body) in jobs.items():
        if "periodic" in body:
            problem(where, f"job {name} is periodic: the scheduler does periodic work")


def exported_metrics():
    """Metric family names: string literals in the files that write families
    (web metrics.rs, worker metrics.rs, streaming server.rs, core jobs/metrics.rs)."""
    names = set()
    for src in ROOT.glob("crates/*/src/**/*.rs"):
        text = src.read_text()
        if "family(" in text:
            names.update(re.findall(r'"(ferrodon_[a-z0-9_]+)"', text))
    return names


def check_dashboard():
    where = "deploy/grafana/ferrodon-dashboard.json"
    try:
        dash = json.loads((ROOT / where).read_text())
    except json.JSONDecodeError as e:
        problem(where, f"not JSON: {e}")
        return
    known = exported_metrics()
    exprs = []
    ids = []
    for panel in dash.get("panels", []):
        ids.append(panel.get("id"))
        if panel.get("type") == "row":
            continue
        targets = panel.get("targets", [])
        if not targets:
            problem(where, f"panel {panel.get('title')!r} has no query")
        exprs.extend((panel.get("title"), t.get("expr", "")) for t in targets)
    for var in dash.get("templating", {}).get("list", []):
        if var.get("type") == "query":
            exprs.append((f"variable {var['name']}", var.get("query", "")))
    if len(ids) != len(set(ids)):
        problem(where, "panel ids are not unique")
    used = 0
    for title, expr in exprs:
        names = re.findall(r"\bferrodon_[a-z0-9_]+", expr)
        if not names:
            problem(where, f"{title!r}: query uses no Ferrodon metric: {expr}")
        for name in names:
            used += 1
            # A histogram family is scraped as NAME_bucket, NAME_sum, NAME_count.
            family = re.sub(r"_(bucket|sum|count)$", "", name)
            if name not in known and family not in known:
                problem(where, f"{title!r}: {name} is not exported by any binary")
    print(f"dashboard: {len(exprs)} queries, {used} metric references, all checked against {len(known)} names in crates/")


for check in [check_dockerfile, check_compose, check_stack, check_helm, check_nomad, check_dashboard]:
    check()
for p in problems:
    print(p)
if problems:
    print(f"{len(problems)} problem(s)")
    sys.exit(1)
print("deployment rules: all hold")
