#!/usr/bin/env bash
# Builds the five SecureEvent images from the project's Dockerfiles and runs them with the
# production security options against the real PostgreSQL, RabbitMQ and Redis (docs/deployment.md,
# "Images built and run in CI"). Called by .ci/run; runs alone too (as root, servers on loopback):
#   bash deploy/containers/test-images.sh
#
# 1. Installs podman, buildah, skopeo, runc, slirp4netns and debootstrap when missing (Debian).
# 2. Makes the offline base images (no registry is reachable here): a bookworm minbase rootfs
#    (debootstrap, cached as a tarball), then stand-ins tagged node:20-bookworm-slim and
#    nginx:1.28-bookworm (deploy/containers/stand-ins/). Skipped while they exist.
# 3. Builds the four service images and the gateway with --pull=never, one npm cache for all.
# 4. Runs the five in one pod (one network namespace, like a Kubernetes pod; the data stores are
#    the host's loopback servers through slirp4netns), each --read-only with a /tmp tmpfs,
#    --cap-drop ALL, no-new-privileges, as its image's unprivileged uid; checks the uid, that the
#    root filesystem refuses writes, /healthz and /readyz, that `sleep` (the preStop hook) exists,
#    a sign-in and a registration through the gateway (smoke.mjs), and that SIGTERM ends each
#    container with exit code 0.
# 5. Prints the build times and image sizes.
#
# Environment (all optional): DATABASE_URL, AMQP_URL, REDIS_URL (default: the loopback servers;
# the database part of DATABASE_URL is replaced by a scratch database, dropped at the end),
# SECUREEVENT_CACHE_DIR (/var/cache/secureevent), IMAGE_TAG (ci).
set -euo pipefail
cd "$(dirname "$0")/../.."
here=deploy/containers
started=$(date +%s)
say() { printf '[test-images %ss] %s\n' "$(($(date +%s) - started))" "$*"; }
die() {
  printf '[test-images] FAILED: %s\n' "$*" >&2
  exit 1
}

cache=${SECUREEVENT_CACHE_DIR:-/var/cache/secureevent}/containers
tag=${IMAGE_TAG:-ci}
export CONTAINERS_CONF="$PWD/$here/containers.conf"
mkdir -p "$cache/npm"

# ------------------------------------------------------------------ 1. tools
missing=()
for tool in podman buildah skopeo runc slirp4netns debootstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
# podman makes its pod infrastructure image from catatonit.
[ -x /usr/libexec/podman/catatonit ] || [ -x /usr/bin/catatonit ] || missing+=(catatonit)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null ||
    ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    printf '\n%s\n%s\n%s\n\n' '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' \
      "!!! IMAGES NOT TESTED: cannot install ${missing[*]} (needs root and apt-get)." \
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' >&2
    exit 0
  fi
fi
say "$(podman --version), $(runc --version | head -n 1)"

# ------------------------------------------------------------------ 2. offline base images
node_version=$(node --version)
stand_in_node=docker.io/library/node:20-bookworm-slim
stand_in_nginx=docker.io/library/nginx:1.28-bookworm
stand_in_current() {
  podman image exists "$stand_in_nginx" &&
    [ "$(podman image inspect --format '{{index .Labels "io.secureevent.stand-in.node"}}' "$stand_in_node" 2>/dev/null)" = "$node_version" ]
}
if stand_in_current; then
  say "stand-in base images present (node $node_version, nginx)"
else
  rootfs_tar=$cache/bookworm-minbase.tar
  if [ ! -s "$rootfs_tar" ]; then
    say "debootstrap --variant=minbase bookworm (once; cached in $rootfs_tar)"
    rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
    mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    debootstrap --variant=minbase bookworm "$rootfs" "${mirror:-http://deb.debian.org/debian}" >"$cache/debootstrap.log" 2>&1 ||
      die "debootstrap failed: see $cache/debootstrap.log"
    # Like debian:bookworm-slim: no documentation, manuals or package lists.
    rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
    tar -C "$rootfs" --numeric-owner -cf "$rootfs_tar.tmp" .
    mv "$rootfs_tar.tmp" "$rootfs_tar"
    rm -rf "$rootfs"
  fi
  podman import --quiet "$rootfs_tar" localhost/secureevent-stand-in/bookworm-minbase:latest >/dev/null
  ctx=$(mktemp -d)
  cp "$(readlink -f "$(command -v node)")" "$ctx/node"
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  cp -a "$npm_dir" "$ctx/npm"
  rm -f "$ctx/npm/npmrc"
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/ca-bundle.crt"
  say "stand-in $stand_in_node (Node.js $node_version)"
  podman build --quiet --pull=never --network host --build-arg NODE_VERSION="$node_version" \
    -f "$here/stand-ins/node.Containerfile" -t "$stand_in_node" "$ctx" >/dev/null
  rm -rf "$ctx"
  say "stand-in $stand_in_nginx (Debian's nginx)"
  podman build --quiet --pull=never --network host -f "$here/stand-ins/nginx.Containerfile" -t "$stand_in_nginx" "$here/stand-ins" >/dev/null
fi

# ------------------------------------------------------------------ 3. build
services=(user-service:3001 event-service:3002 notification-service:3003 audit-service:3004)
declare -A build_seconds
build() {
  local name=$1
  shift
  local t0
  t0=$(date +%s)
  say "building secureevent/$name"
  # The host's npm cache is mounted at npm's cache path in every RUN, so the five builds download
  # each package once; nothing of it lands in a layer.
  podman build --pull=never --network host --layers -v "$cache/npm:/root/.npm" \
    -t "localhost/secureevent/$name:$tag" "$@" . >"$cache/build-$name.log" 2>&1 ||
    {
      tail -n 40 "$cache/build-$name.log" >&2
      die "building $name (log: $cache/build-$name.log)"
    }
  build_seconds[$name]=$(($(date +%s) - t0))
}
build_started=$(date +%s)
for entry in "${services[@]}"; do
  build "${entry%%:*}" -f backend/Dockerfile --build-arg SERVICE="${entry%%:*}" --build-arg PORT="${entry##*:}"
done
build gateway -f platform/gateway/Dockerfile
build_total=$(($(date +%s) - build_started))

# ------------------------------------------------------------------ 4. run
pod=secureevent-images-$$
scratch_db=secureevent_images_$$
database_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
amqp_url=${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672}
redis_url=${REDIS_URL:-redis://127.0.0.1:6379}
# Inside the pod the host's loopback is 10.0.2.2 (slirp4netns allow_host_loopback): the servers
# see the connections as coming from 127.0.0.1, as on the host.
in_pod() { node -e 'const u = new URL(process.argv[1]); if (u.hostname === "127.0.0.1" || u.hostname === "localhost") u.hostname = "10.0.2.2"; if (process.argv[2]) u.pathname = "/" + process.argv[2]; process.stdout.write(u.toString())' "$1" "${2:-}"; }
admin_url=$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/postgres"; process.stdout.write(u.toString())' "$database_url")

cleanup() {
  podman pod rm --force --time 0 "$pod" >/dev/null 2>&1 || true
  psql "$admin_url" -qc "drop database if exists $scratch_db" >/dev/null 2>&1 || true
}
trap cleanup EXIT
psql "$admin_url" -qc "create database $scratch_db" >/dev/null || die "cannot create the scratch database through $admin_url"

gateway_port=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { process.stdout.write(String(s.address().port)); s.close(); })')
hosts=()
for entry in "${services[@]}"; do hosts+=(--add-host "${entry%%:*}:127.0.0.1"); done
podman pod create --name "$pod" --network slirp4netns:allow_host_loopback=true "${hosts[@]}" \
  -p "127.0.0.1:$gateway_port:8080" >/dev/null

admin_email=admin@images.example.com
admin_password=$(node -e 'process.stdout.write(require("node:crypto").randomBytes(18).toString("base64url"))')
ticket_secret=$(node -e 'process.stdout.write(require("node:crypto").randomBytes(36).toString("base64url"))')
# What the production options are: the Deployments' securityContext in k8s/base.
hardening=(--read-only --tmpfs /tmp:rw,nosuid,nodev,size=256m --cap-drop ALL --security-opt no-new-privileges)
common_env=(
  -e DATABASE_URL="$(in_pod "$database_url" "$scratch_db")" -e AMQP_URL="$(in_pod "$amqp_url")" -e REDIS_URL="$(in_pod "$redis_url")"
  -e SECUREEVENT_REQUIRE_EXTERNAL=1 -e JWT_ISSUER=secureevent -e JWT_AUDIENCE=secureevent-api
  -e JWKS_URL=http://user-service:3001/api/auth/.well-known/jwks.json -e PUBLIC_URL="http://127.0.0.1:$gateway_port"
  # A broker and a Redis shared with the test suite: an exchange and key prefix of their own.
  -e AMQP_EXCHANGE="$pod" -e REDIS_KEY_PREFIX="$pod" -e LOG_LEVEL=warn
)
for entry in "${services[@]}"; do
  name=${entry%%:*}
  extra=()
  [ "$name" = user-service ] && extra=(-e ADMIN_EMAIL="$admin_email" -e ADMIN_PASSWORD="$admin_password")
  [ "$name" = event-service ] && extra=(-e TICKET_SECRET="$ticket_secret")
  podman run -d --pod "$pod" --name "$pod-$name" --user 1000:1000 "${hardening[@]}" "${common_env[@]}" "${extra[@]}" \
    "localhost/secureevent/$name:$tag" >/dev/null
done
podman run -d --pod "$pod" --name "$pod-gateway" --user 101:101 "${hardening[@]}" "localhost/secureevent/gateway:$tag" >/dev/null

logs_and_die() {
  for c in $(podman ps -a --filter "pod=$pod" --format '{{.Names}}'); do
    printf '\n--- logs of %s (%s)\n' "$c" "$(podman inspect --format '{{.State.Status}} exit {{.State.ExitCode}}' "$c")" >&2
    podman logs --tail 30 "$c" >&2 || true
  done
  die "$*"
}
probe() { podman exec "$1" node -e 'fetch(process.argv[1]).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' "$2"; }

for entry in "${services[@]}"; do
  name=${entry%%:*} port=${entry##*:} c=$pod-${entry%%:*}
  for attempt in $(seq 1 120); do
    probe "$c" "http://127.0.0.1:$port/readyz" 2>/dev/null && break
    [ "$(podman inspect --format '{{.State.Running}}' "$c")" = true ] || logs_and_die "$name exited before it was ready"
    [ "$attempt" = 120 ] && logs_and_die "$name not ready within 120 s"
    sleep 1
  done
  probe "$c" "http://127.0.0.1:$port/healthz" || logs_and_die "$name: /healthz is not 200"
  uid=$(podman exec "$c" node -p 'process.getuid() + ":" + process.getgid()')
  [ "$uid" = 1000:1000 ] || logs_and_die "$name runs as $uid, expected 1000:1000"
  podman exec "$c" node -e 'try { require("node:fs").writeFileSync("/app/written", "x"); process.exit(1) } catch (e) { process.exit(e.code === "EROFS" ? 0 : 1) }' ||
    logs_and_die "$name: the root filesystem accepted a write"
  # The Deployments' preStop hook is `sleep 10` (k8s/base): the image must have the binary.
  podman exec "$c" sleep 0 || logs_and_die "$name: no sleep for the preStop hook"
  # Service images leave the embedded database out (backend/Dockerfile): it is never loaded there.
  podman exec "$c" node -e 'import("@electric-sql/pglite").then(() => process.exit(1), () => process.exit(0))' ||
    logs_and_die "$name: the image still holds PGlite"
  say "$name: ready, /healthz and /readyz 200, uid $uid, read-only root, sleep present, no PGlite"
done
# Without DATABASE_URL a service image has no database to fall back to: it must say so and stop.
no_db=$(podman run --rm --user 1000:1000 "${hardening[@]}" -e LOG_LEVEL=warn "localhost/secureevent/audit-service:$tag" 2>&1) &&
  die "audit-service started without DATABASE_URL and without PGlite"
grep -q 'set DATABASE_URL' <<<"$no_db" || die "audit-service without DATABASE_URL did not name it: $(tail -n 5 <<<"$no_db")"
say "audit-service without DATABASE_URL: stops and names it"
for attempt in $(seq 1 30); do
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "http://127.0.0.1:$gateway_port/healthz" && break
  [ "$attempt" = 30 ] && logs_and_die "gateway not answering /healthz within 30 s"
  sleep 1
done
[ "$(podman exec "$pod-gateway" id -u)" = 101 ] || logs_and_die "gateway does not run as uid 101"
podman exec "$pod-gateway" sh -c 'touch /etc/nginx/written' 2>/dev/null && logs_and_die "gateway: the root filesystem accepted a write"
podman exec "$pod-gateway" sleep 0 || logs_and_die "gateway: no sleep for the preStop hook"
say "gateway: /healthz 200, uid 101, read-only root, sleep present"

node "$here/smoke.mjs" "http://127.0.0.1:$gateway_port" "$admin_email" "$admin_password" || logs_and_die "smoke test through the gateway"

for entry in "${services[@]}" gateway:8080; do
  c=$pod-${entry%%:*}
  podman kill --signal TERM "$c" >/dev/null
  code=$(podman wait "$c")
  [ "$code" = 0 ] || logs_and_die "${entry%%:*} exited with $code after SIGTERM, expected 0"
done
say "SIGTERM: every container exited 0"

# ------------------------------------------------------------------ 5. figures
base_size=$(podman image inspect --format '{{.Size}}' "$stand_in_node")
printf '\n%-34s %10s %12s %8s\n' image size 'above base' build
for entry in "${services[@]}" gateway:8080; do
  name=${entry%%:*}
  size=$(podman image inspect --format '{{.Size}}' "localhost/secureevent/$name:$tag")
  [ "$name" = gateway ] && base=$(podman image inspect --format '{{.Size}}' "$stand_in_nginx") || base=$base_size
  printf '%-34s %7d MB %9d MB %6ss\n' "secureevent/$name" $((size / 1000000)) $(((size - base) / 1000000)) "${build_seconds[$name]}"
done
printf '%-34s %7d MB\n%-34s %7d MB\n' "stand-in node base" $((base_size / 1000000)) "stand-in nginx base" \
  $(($(podman image inspect --format '{{.Size}}' "$stand_in_nginx") / 1000000))
# Layers of builds older than a week are no one's cache any more: keep the disk bounded.
podman image prune --force --filter until=168h >/dev/null 2>&1 || true
say "images built in ${build_total}s; all checks passed"
