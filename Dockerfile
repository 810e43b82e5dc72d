# syntax=docker/dockerfile:1
# Taskvault in a container: docs/deploy.md ("Docker"). Not built in CI (no Docker engine runs on
# the project's machines), so it is kept minimal: three stages on one base image.
ARG NODE_VERSION=24

# 1. Build the web app and the server bundle (needs the dev dependencies: Vite, Tailwind).
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# 2. Production dependencies only, installed on the runtime's own libc (glibc, bookworm), so that
#    native packages such as @node-rs/argon2 get the binary that matches it.
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. The runtime: no build tools, files owned by root, the process runs as the unprivileged `node`.
FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Read at run time: the migrations and the embedded database's worker (src/server/db), and the
# sources `npm run keys` runs with tsx (src, scripts).
COPY src/server ./src/server
COPY src/shared ./src/shared
COPY scripts ./scripts
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself, not npm: it receives SIGTERM and drains the requests in flight (npm would not pass
# the signal on). `docker run --init` (compose: init: true) adds a reaper for any stray child.
CMD ["node", "dist/server/main.mjs"]
