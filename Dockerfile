# The Projectionist app image. Node 24 runs the TypeScript sources as they are (type stripping):
# there is no build step, only the production dependencies and the sources.
#   docker build -t projectionist .
#   docker run --rm -e PROJECTIONIST_KAFKA_BROKERS=... -e PROJECTIONIST_DATABASE_URL=... projectionist
# The default command is `serve`; any CLI verb runs the same way: docker run ... projectionist status.

# Stage 1: production dependencies only (no vitest, eslint, testcontainers, nor the npm `node`
# package: the base image brings Node 24). No install scripts run.
FROM node:24-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error

# Stage 2: what runs, as the image's unprivileged `node` user (uid 1000), owning nothing it runs.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PROJECTIONIST_HTTP_HOST=0.0.0.0 \
    PROJECTIONIST_HTTP_PORT=3000
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY events ./events
COPY projections ./projections
COPY reactors ./reactors
USER node
EXPOSE 3000
# Ready (200) once PostgreSQL, Kafka and every worker answer; 503 while draining after SIGTERM.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PROJECTIONIST_HTTP_PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# SIGTERM goes straight to node (no shell in between): it drains within PROJECTIONIST_SHUTDOWN_TIMEOUT_MS.
ENTRYPOINT ["node", "src/cli/main.ts"]
CMD ["serve"]
