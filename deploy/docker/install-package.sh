#!/bin/sh
# Installs a packed fitmatch (npm pack) with its production dependencies only,
# exactly as the lock file pins them, into an empty folder. Used by the
# Dockerfile and by test/deploy/image.test.ts, so the test installs what the
# image holds.
#
#   install-package.sh PACKAGE.tgz package-lock.json DEST
#
# No lifecycle scripts run (--ignore-scripts): fitmatch is already compiled
# (dist/ is in the package), and onnxruntime-node ships its CPU binaries inside
# its npm package; its install script only downloads optional CUDA libraries
# from outside the npm registry. onnxruntime-node also ships darwin and win32
# binaries (220 MB); only the one for this platform and architecture is kept.
set -eu
tgz=$1
lock=$2
dest=$3
mkdir -p "$dest"
tar -xzf "$tgz" --strip-components=1 -C "$dest"
cp "$lock" "$dest/package-lock.json"
cd "$dest"
npm ci --omit=dev --ignore-scripts --no-audit --no-fund
ort=node_modules/onnxruntime-node/bin/napi-v6
keep="$(node -p 'process.platform + "/" + process.arch')"
for d in "$ort"/*/*; do
  [ "$d" = "$ort/$keep" ] || rm -rf "$d"
done
for d in "$ort"/*; do
  rmdir "$d" 2>/dev/null || true
done
[ -f "$ort/$keep/onnxruntime_binding.node" ] || { echo "install-package.sh: no onnxruntime-node binary for $keep" >&2; exit 1; }
