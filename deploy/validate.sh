#!/usr/bin/env bash
# Checks every deploy/ artifact that can be checked without a cluster or a container engine.
#   bash deploy/validate.sh      (exits non-zero on the first failing step)
# 1. yamllint (config: deploy/.yamllint) on every YAML file, .env.example included as text.
# 2. kubectl kustomize deploy/kubernetes: the kustomization builds (all resources found, no
#    duplicates, images rewritten).
# 3. Schemas (deploy/tools, npm): every Kubernetes object against its apiVersion/kind's schema,
#    KEDA's CRDs included; the compose file against the Compose Specification.
# 4. kubectl apply --dry-run=client, only if it works here: it needs an API server for discovery,
#    so without a cluster it is reported as skipped, not passed.
# The Deploy.Tests project (dotnet test) checks what these cannot: probes, secrets, queue names,
# labels, the Dockerfile. Nothing here builds an image or starts a container.
set -euo pipefail
deploy="$(cd "$(dirname "$0")" && pwd)"
cd "$deploy"
step() { printf '\n== deploy: %s\n' "$*"; }
skipped=()

if ! command -v yamllint >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  step "installing yamllint (Debian package)"
  apt-get install -y -qq yamllint >/dev/null 2>&1 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq yamllint >/dev/null; }
fi

if ! command -v kubectl >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  step "installing kubectl (Debian package kubernetes-client)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubernetes-client >/dev/null 2>&1 || echo "could not install kubernetes-client"
fi

step "yamllint"
command -v yamllint >/dev/null 2>&1 || { echo "yamllint is not installed (apt-get install yamllint)" >&2; exit 1; }
mapfile -t yaml_files < <(find . -path ./tools/node_modules -prune -o -type f \( -name '*.yaml' -o -name '*.yml' \) -print | sort)
yamllint --strict -c .yamllint "${yaml_files[@]}"
echo "${#yaml_files[@]} files clean: ${yaml_files[*]}"

step "kubectl kustomize kubernetes"
if command -v kubectl >/dev/null 2>&1; then
  built=$(kubectl kustomize kubernetes)
  echo "builds: $(grep -c '^kind:' <<<"$built") objects ($(grep '^kind:' <<<"$built" | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $3; sep=", "}'))"
else
  echo "kubectl not installed: skipped"
  skipped+=("kustomize build (no kubectl)")
fi

step "schemas (kubernetes-models, KEDA, Compose Specification)"
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  (cd tools && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && node validate-schemas.mjs)
else
  echo "node/npm not installed: skipped"
  skipped+=("schema validation (no node)")
fi

step "kubectl apply --dry-run=client"
if command -v kubectl >/dev/null 2>&1 && kubectl version --request-timeout=3s >/dev/null 2>&1; then
  kubectl apply --dry-run=client -k kubernetes
  kubectl apply --dry-run=client -f kubernetes/secrets.example.yaml
else
  echo "skipped: kubectl's client-side dry run still asks an API server for resource discovery, and none is reachable here"
  skipped+=("kubectl apply --dry-run=client (no API server)")
fi

step "docker compose config"
if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  docker compose --env-file .env.example -f docker-compose.yml config --quiet && echo "compose file resolves"
else
  echo "skipped: no docker compose plugin here"
  skipped+=("docker compose config (no compose plugin)")
fi

step "not checked here"
echo "images are never built or run (no container engine); no object was admitted by an API server;"
echo "KEDA scaling, probes against live pods, RabbitMQ and PostgreSQL behaviour are untested here."
for s in "${skipped[@]+"${skipped[@]}"}"; do echo "skipped: $s"; done
step "ok"
