"""Write deploy/k8s/tiimi.yaml: the Kubernetes manifests of every service, from one description.

    .venv/bin/python deploy/k8s/generate.py

The manifests are generated so the five services cannot drift apart; the
test suite checks the committed file is what this script writes, that it
validates against the Kubernetes schemas, and that each container runs the
same command as ``make run``. Secrets are referred to, never written here.
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

IMAGE = "registry.example/tiimi:1.0.0"
OPS_PORT, HTTP_PORT = 9000, 8000
# replicas, and an autoscaler for the services that take load from outside.
SERVICES = {
    "consent": {"replicas": 2, "autoscale": False},
    "team": {"replicas": 2, "autoscale": False},
    "referral": {"replicas": 2, "autoscale": True},
    "notify": {"replicas": 2, "autoscale": True},
    "gateway": {"replicas": 2, "autoscale": True},
}


def secret(name: str, key: str, env: str) -> dict:
    return {"name": env, "valueFrom": {"secretKeyRef": {"name": name, "key": key}}}


def environment(service: str) -> list[dict]:
    # Each service its own broker user, with only the rights it needs (deploy/rabbitmq/generate.py).
    env = [secret(f"tiimi-{service}-broker", "amqp-uri", "TIIMI_AMQP_URI")]
    if service != "gateway":
        env.append(secret(f"tiimi-{service}-database", "url", f"TIIMI_{service.upper()}_DATABASE_URL"))
    if service == "team":
        env += [secret("tiimi-team-keys", "identity-key", "TIIMI_IDENTITY_KEY"),
                secret("tiimi-team-keys", "lookup-key", "TIIMI_LOOKUP_KEY")]
    if service in ("team", "referral", "notify"):
        # The keys that seal personal data at rest, each service its own (docs/runbook.md).
        env.append(secret(f"tiimi-{service}-data-keys", "keys", "TIIMI_DATA_KEYS"))
    if service == "notify":
        env += [secret("tiimi-smtp", "user", "TIIMI_SMTP_USER"),
                secret("tiimi-smtp", "password", "TIIMI_SMTP_PASSWORD")]
    if service == "gateway":
        env.append(secret("tiimi-gateway-jwt", "public-key", "TIIMI_JWT_PUBLIC_KEY"))
    return env


def container(service: str, command: str) -> dict:
    return {
        "name": service if command == "run" else f"{service}-migrate",
        "image": IMAGE,
        "command": ["python", "-m", service, command],
        "envFrom": [{"configMapRef": {"name": "tiimi-config"}}],
        "env": environment(service),
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "capabilities": {"drop": ["ALL"]}},
        "volumeMounts": [{"name": "var", "mountPath": "/app/var"}],
        "resources": {"requests": {"cpu": "100m", "memory": "192Mi"}, "limits": {"memory": "512Mi"}},
    }


def deployment(service: str, replicas: int) -> dict:
    labels = {"app.kubernetes.io/name": service, "app.kubernetes.io/part-of": "tiimi"}
    main = container(service, "run")
    ports = [{"name": "ops", "containerPort": OPS_PORT}]
    if service == "gateway":
        ports.append({"name": "http", "containerPort": HTTP_PORT})
    main |= {
        "ports": ports,
        "livenessProbe": {"httpGet": {"path": "/health/live", "port": "ops"}, "periodSeconds": 10,
                          "failureThreshold": 3},
        "readinessProbe": {"httpGet": {"path": "/health/ready", "port": "ops"}, "periodSeconds": 5,
                           "failureThreshold": 2},
        "startupProbe": {"httpGet": {"path": "/health/live", "port": "ops"}, "periodSeconds": 2,
                         "failureThreshold": 30},
    }
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": service, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app.kubernetes.io/name": service}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
            "template": {
                "metadata": {"labels": labels, "annotations": {
                    "prometheus.io/scrape": "true", "prometheus.io/port": str(OPS_PORT),
                    "prometheus.io/path": "/metrics"}},
                "spec": {
                    "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001,
                                        "seccompProfile": {"type": "RuntimeDefault"}},
                    # SIGTERM: readiness turns 503, running work finishes, the outbox flushes.
                    "terminationGracePeriodSeconds": 60,
                    "initContainers": [container(service, "migrate")] if service != "gateway" else [],
                    "containers": [main],
                    "volumes": [{"name": "var", "emptyDir": {}}],
                },
            },
        },
    }


def service_object(service: str) -> dict:
    ports = [{"name": "ops", "port": OPS_PORT, "targetPort": "ops"}]
    if service == "gateway":
        ports.append({"name": "http", "port": 80, "targetPort": "http"})
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": service},
            "spec": {"selector": {"app.kubernetes.io/name": service}, "ports": ports}}


def autoscaler(service: str) -> dict:
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": service},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": service},
                     "minReplicas": 2, "maxReplicas": 10,
                     "metrics": [{"type": "Resource", "resource": {
                         "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]}}


def disruption_budget(service: str) -> dict:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": service},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": service}}}}


def config_map() -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "tiimi-config"}, "data": {
        "TIIMI_LOG_LEVEL": "INFO", "TIIMI_OPS_ADDRESS": f"0.0.0.0:{OPS_PORT}",
        "TIIMI_HTTP_ADDRESS": f"0.0.0.0:{HTTP_PORT}", "TIIMI_PUBLIC_URL": "https://tiimi.example",
        "TIIMI_SMTP_HOST": "smtp.example", "TIIMI_SMTP_PORT": "587", "TIIMI_SMTP_SECURITY": "starttls",
        "TIIMI_JWT_ISSUER": "https://login.example", "TIIMI_JWT_AUDIENCE": "tiimi-gateway",
        # Quorum queues for the services' event queues on a clustered broker.
        "TIIMI_QUEUE_TYPE": "quorum"}}


def manifests() -> list[dict]:
    documents = [config_map()]
    for service, shape in SERVICES.items():
        documents += [deployment(service, shape["replicas"]), service_object(service),
                      disruption_budget(service)]
        if shape["autoscale"]:
            documents.append(autoscaler(service))
    return documents


def render() -> str:
    header = "# Generated by deploy/k8s/generate.py; edit that, not this.\n"
    return header + yaml.safe_dump_all(manifests(), sort_keys=False, default_flow_style=False)


if __name__ == "__main__":
    target = Path(__file__).with_name("tiimi.yaml")
    target.write_text(render())
    print(f"wrote {target}", file=sys.stderr)
