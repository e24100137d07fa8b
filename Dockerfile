# Vigie: family DNS filter. Multi-stage: build with the toolchain, run without it.
FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles its native addon when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    VIGIE_DATA_DIR=/data \
    VIGIE_DNS_PORT=53
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY lists ./lists
COPY public ./public
VOLUME ["/data"]
EXPOSE 53/udp 53/tcp 8080/tcp
# Runs as root inside the container only to bind port 53; docker-compose.yml drops every other
# capability and makes the filesystem read-only except /data.
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
