# syntax=docker/dockerfile:1
# One image recipe for both services; SERVICE picks which one the image runs. The risk-api image also serves the
# migrate one-shot (docker-compose.yml runs `node migrations/dist/cli.js up` in it).
# Build from the repository root:
#   docker build -f deploy/service.Dockerfile --build-arg SERVICE=risk-api --build-arg PORT=3000 .
#
# Base images: pin by digest at deploy time (node:20.20.2-bookworm-slim@sha256:...); digests could not be
# resolved on the offline machine this file was written on.

FROM node:20.20.2-bookworm-slim AS build
# node-gyp's toolchain for the libs/native-gpu addon. The Kafka client is kafkajs (pure JS): no librdkafka.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# onnxruntime-node's install script would download the CUDA execution provider; the CPU one ships in the package.
# node-gyp takes Node's headers from the image instead of downloading them.
ENV ONNXRUNTIME_NODE_INSTALL=skip \
    npm_config_nodedir=/usr/local
WORKDIR /app
# The whole tree (less .dockerignore) before `npm ci`: workspace install scripts, the addon's among them, need it.
COPY . .
RUN npm ci --no-audit --no-fund
RUN npm run build && npm run build -w @vigil/native-gpu
RUN npm prune --omit=dev --no-audit --no-fund
# What runs, gathered in /out: production node_modules, the shipped models, then each workspace's manifest, dist/, nested
# node_modules/ and built addon (build/Release/*.node, where libs/native-gpu's loader looks), but no sources.
RUN set -eu; \
    mkdir -p /out; \
    cp -a package.json node_modules models /out/; \
    for ws in $(node -p "require('./package.json').workspaces.join(' ')"); do \
      [ -d "$ws" ] || continue; \
      mkdir -p "/out/$ws"; \
      cp -a "$ws/package.json" "/out/$ws/"; \
      for part in dist node_modules; do \
        if [ -e "$ws/$part" ]; then cp -a "$ws/$part" "/out/$ws/$part"; fi; \
      done; \
      for addon in "$ws"/build/Release/*.node; do \
        if [ -e "$addon" ]; then mkdir -p "/out/$ws/build/Release"; cp -a "$addon" "/out/$ws/build/Release/"; fi; \
      done; \
    done

FROM node:20.20.2-bookworm-slim AS runtime
ARG SERVICE
ARG PORT
ENV NODE_ENV=production
# The native addon runs its kernels in Napi::AsyncWorkers, i.e. on libuv's thread pool, which Node sizes at 4
# and shares with fs, dns.lookup, crypto and zlib. 8 threads keep a few long native calls from starving the
# rest; core-ml's batcher keeps in-flight native calls below this.
ENV UV_THREADPOOL_SIZE=8
WORKDIR /app
# Owned by root and read-only to the service user.
COPY --from=build /out/ ./
RUN test -f "apps/${SERVICE}/dist/main.js" && ln -s "apps/${SERVICE}/dist/main.js" main.js
USER node
EXPOSE ${PORT}
CMD ["node", "main.js"]
