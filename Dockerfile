# Strata's image: a multi-stage build on the current Node LTS (slim), running as the unprivileged `node` user.
# Nothing here needs a token or an account.
FROM node:24-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles its native module when no prebuilt binary fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/build.mjs ./scripts/
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    STRATA_HOST=0.0.0.0 \
    STRATA_PORT=4588 \
    STRATA_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# /layers: where `strata opt` fills a volume (docker-compose.yml, profile opt); a fresh volume mounted there takes
# this folder's owner, so the node user can write into it.
RUN mkdir -p /data /layers && chown node:node /data /layers
USER node
VOLUME ["/data"]
EXPOSE 4588
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=10 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.STRATA_PORT || 4588) + '/_strata/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# What `npm start` runs once it has built dist/.
CMD ["node", "dist/server.js"]
