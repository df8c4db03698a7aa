#!/bin/sh
# Installs a packed fitmatch (npm pack) with its production dependencies only,
# exactly as the lock file pins them, into an empty folder. Used by the
# Dockerfile and by test/deploy/image.test.ts, so the test installs what the
# image holds.
#
#   install-package.sh PACKAGE.tgz package-lock.json DEST
#
# No lifecycle scripts run: fitmatch is already compiled (dist/ is in the
# package), and onnxruntime-node ships its CPU binaries for linux x64/arm64;
# its install script only fetches optional GPU libraries
# (ONNXRUNTIME_NODE_INSTALL=skip says the same to it).
set -eu
tgz=$1
lock=$2
dest=$3
mkdir -p "$dest"
tar -xzf "$tgz" --strip-components=1 -C "$dest"
cp "$lock" "$dest/package-lock.json"
cd "$dest"
ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev --ignore-scripts --no-audit --no-fund
