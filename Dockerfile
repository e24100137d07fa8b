# syntax=docker/dockerfile:1
# Vigie: family DNS filter. Multi-stage: compile with the toolchain, run without it.
#
# Multi-arch (Raspberry Pi 4/5 and home servers):
#   docker buildx build --platform linux/amd64,linux/arm64 -t vigie:latest .
# The stages that install node_modules (deps) and run them (runtime) start FROM the per-platform
# node image of the target (no --platform=$BUILDPLATFORM), so on an arm64 build they run as arm64
# (natively, or under QEMU on an amd64 machine) and better-sqlite3's native addon is fetched or
# compiled for that architecture. Never copy node_modules between architectures: the addon is
# machine code for one CPU and one Node ABI. Only the build stage (tsc → plain JavaScript) runs on
# the build machine's own platform.
# better-sqlite3 downloads a prebuilt binary for linux-x64 and linux-arm64 when GitHub is
# reachable, and otherwise compiles SQLite with the python3/make/g++ installed below (a few
# minutes natively, much longer under QEMU).
#
# CI cannot run Docker; .ci/run performs the same steps outside a container (production install,
# build, serve, `vigie healthcheck`) and tests/packaging checks this file against
# docker-compose.yml.

# --- deps: production dependencies only, native addon built for this platform ----------------
FROM node:22-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

# --- build: compile TypeScript to dist/ (plain JavaScript, the same on every architecture) ------
# This stage runs on the build machine's own platform ($BUILDPLATFORM): tsc's output does not
# depend on the CPU, and --ignore-scripts skips every native addon, so nothing here is copied
# across architectures except dist/.
FROM --platform=$BUILDPLATFORM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- runtime ------------------------------------------------------------------------------------
FROM node:22-bookworm-slim
WORKDIR /app
# Non-root, yet able to bind port 53. With host networking (docker-compose.yml) the container
# shares the host's network namespace, so the sysctl net.ipv4.ip_unprivileged_port_start cannot
# be set per container (Docker refuses namespaced sysctls with network_mode: host), and Docker
# does not raise ambient capabilities for a non-root user (moby/moby#8460, #38664): cap_add alone
# is not enough. The node binary therefore carries the file capability cap_net_bind_service
# (nothing else), which the kernel grants to the unprivileged `vigie` user at exec time as long as
# NET_BIND_SERVICE stays in the container's bounding set (compose: cap_drop ALL, cap_add
# NET_BIND_SERVICE). It is set here, in the final stage: COPY does not reliably carry the xattr.
# Consequences:
#   - no `no-new-privileges`: that flag makes the kernel ignore file capabilities (EACCES on 53);
#     instead every setuid/setgid bit is removed from the image below, which is what
#     no-new-privileges would have guarded against;
#   - without NET_BIND_SERVICE in the bounding set the kernel refuses to start node at all
#     ("Operation not permitted"); keep cap_add: [NET_BIND_SERVICE] when running the image;
#   - file capabilities live in an extended attribute; storage drivers that drop xattrs (rare:
#     old aufs) lose it, and Vigie then exits with "permission denied … port 53".
# iproute2: `ip neigh` gives Vigie the MAC of IPv6 devices (/proc/net/arp only holds IPv4 ones).
# libcap2-bin: setcap (iproute2 depends on it anyway; useless without CAP_SETFCAP at run time).
RUN apt-get update \
 && apt-get install -y --no-install-recommends iproute2 libcap2-bin \
 && rm -rf /var/lib/apt/lists/* \
 && setcap cap_net_bind_service=+ep /usr/local/bin/node \
 && getcap /usr/local/bin/node | grep -q cap_net_bind_service \
 && find / -xdev -type f -perm /6000 -exec chmod a-s {} + \
 && groupadd --system --gid 10053 vigie \
 && useradd --system --uid 10053 --gid vigie --home-dir /data --no-create-home --shell /usr/sbin/nologin vigie \
 && install -d -o vigie -g vigie -m 0750 /data
ENV NODE_ENV=production \
    VIGIE_DATA_DIR=/data \
    VIGIE_DNS_PORT=53 \
    VIGIE_ADMIN_PORT=8080 \
    VIGIE_ADMIN_HTTPS_PORT=8443
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY lists ./lists
COPY public ./public
# `vigie …` inside the container: docker compose exec vigie vigie doctor
RUN chmod 0755 dist/cli.js && ln -s /app/dist/cli.js /usr/local/bin/vigie
# Everything Vigie writes (config.db, logs.db, downloaded lists) lives here, owned by vigie. A
# named volume starts as a copy of this directory (owner included); a bind-mounted host folder
# must be given to uid 10053 first: sudo chown -R 10053:10053 ./vigie-data
VOLUME ["/data"]
EXPOSE 53/udp 53/tcp 8080/tcp 8443/tcp
USER vigie
# A real DNS question (localhost A, answered by Vigie itself, never forwarded) to Vigie's own
# DNS port; exit 1 with the reason when it does not answer. start-period covers list loading
# on a Raspberry Pi.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["vigie", "healthcheck"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
