# syntax=docker/dockerfile:1
# The RSO approval App (`npm start`) as a container. Two stages: `build` installs every dependency
# and builds lib/; `runtime` holds only what `npm pack` ships plus the production dependencies,
# installed from the lockfile, and runs as the unprivileged `node` user.
# Not built in this project's CI (it has no Docker engine); test/repo/runtime-tree.test.ts builds the
# runtime tree with the same steps and runs the App from it. See README, "Deploying the App".
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY . .
# `npm ci` installs the dev dependencies and runs `prepare`, which builds lib/. `npm pack` then
# takes exactly the files package.json's `files` ships (no tests), unpacked into /app with the
# lockfile beside them.
RUN npm ci --no-audit --no-fund \
 && npm pack --ignore-scripts --pack-destination /tmp \
 && mkdir /app \
 && tar -xzf /tmp/asl-gate-*.tgz -C /app --strip-components=1 \
 && cp package-lock.json /app/

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app ./
# Production dependencies only, exactly as locked; `prepare` sees no dev dependencies and skips the
# build. Installed as root, so the App's user cannot change its own code.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force
USER node
# Probot listens on localhost unless HOST says otherwise; a container must listen on every address.
ENV HOST=0.0.0.0 PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Probot stops on SIGINT: it closes the server, lets the requests in flight finish, and exits 0.
STOPSIGNAL SIGINT
# `npm start`'s exact command (package.json), without npm in between: signals reach Node directly.
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=25", "lib/bot/main.js"]
