# Operator Manager container image.
#   docker build -t operator-manager:dev .
#   docker run -p 4000:4000 -e JWT_SECRET=… -e ENCRYPTION_KEY=… -e DATABASE_URL=postgresql://… operator-manager:dev
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/generate.mjs scripts/generate.mjs
COPY prisma prisma
COPY prisma.config.ts ./
# Dev dependencies are needed only to generate the Prisma client; they are pruned below.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=4000 DATA_DIR=/data
WORKDIR /app
RUN groupadd --gid 1001 opmanager && useradd --uid 1001 --gid opmanager --create-home opmanager \
  && mkdir -p /data && chown opmanager:opmanager /data
COPY --from=deps --chown=opmanager:opmanager /app/node_modules node_modules
COPY --from=deps --chown=opmanager:opmanager /app/src/generated src/generated
COPY --chown=opmanager:opmanager package.json tsconfig.json prisma.config.ts ./
COPY --chown=opmanager:opmanager prisma prisma
COPY --chown=opmanager:opmanager src src
USER opmanager
EXPOSE 4000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# tsx runs the TypeScript sources directly (it is a runtime dependency); SIGTERM reaches node.
CMD ["node", "--import", "tsx", "src/main.ts"]
