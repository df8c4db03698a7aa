# syntax=docker/dockerfile:1
# The fitmatch image that deploy/kubernetes runs:
#
#   docker build -t registry.example.com/fitmatch:0.1.0 .
#
# The tag is package.json's version (test/deploy/image.test.ts keeps this file,
# the manifests and package.json in agreement, and installs the package the way
# the runtime stage below does, then runs it against a real database).
# glibc, not Alpine: onnxruntime-node's prebuilt binaries need glibc.

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build \
 && mkdir /pkg \
 && npm pack --ignore-scripts --pack-destination /pkg \
 && mv /pkg/fitmatch-*.tgz /pkg/fitmatch.tgz

FROM node:20-bookworm-slim
ENV NODE_ENV=production
COPY --from=build /pkg/fitmatch.tgz /src/package-lock.json /src/deploy/docker/install-package.sh /tmp/image/
# Production dependencies only, owned by root: the process (uid 1000) cannot change its own code.
# No install scripts, and onnxruntime-node's binaries for this platform only (see the script).
RUN sh /tmp/image/install-package.sh /tmp/image/fitmatch.tgz /tmp/image/package-lock.json /app \
 && rm -rf /tmp/image /root/.npm
WORKDIR /app
# The "node" user of the official Node images.
USER 1000:1000
ENTRYPOINT ["node", "/app/bin/fitmatch"]
CMD ["--help"]
