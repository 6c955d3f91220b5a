# syntax=docker/dockerfile:1
# parallel-rollup: the sequencer (default) or the prover stub, run from TypeScript with tsx.
#
#   docker build -t parallel-rollup .
#   docker compose up            # L1 Anvil + Redis + sequencer + prover (docker-compose.yml)

# --- deps: the production node_modules. better-sqlite3, secp256k1 and keccak ship prebuilt binaries for
# linux-x64/arm64 glibc, but fall back to node-gyp where none fits, so the toolchain is here; it stays out of the
# final image.
FROM node:20-bookworm-slim AS deps
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Dev dependencies (Foundry binaries, solc, biome, vitest) are not needed at run time: the contracts' ABIs and
# bytecode are committed in contracts/generated, and compose gives the sequencer an L1 (L1_RPC_URL) so it never
# starts an Anvil of its own.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    RPC_HOST=0.0.0.0 \
    RPC_PORT=8545
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# A named volume copies the owner of its mount point, so these must exist, owned by `node` (uid 1000), for the app
# to write there: /data (sequencer) and /prover-data (prover stub, see docker-compose.yml).
RUN mkdir -p /data /prover-data && chown node:node /data /prover-data
USER node
VOLUME ["/data"]
EXPOSE 8545
CMD ["node", "--import", "tsx", "sequencer/main.ts"]
