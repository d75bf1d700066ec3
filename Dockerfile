FROM node:22-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src src
COPY migrations migrations
COPY scripts scripts
COPY web web
COPY prompts prompts
COPY schema schema
# npm run build makes dist/ (with the browser's vendored modules); the compiler and the other dev
# dependencies are then pruned away.
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev --no-audit --no-fund
USER node
EXPOSE 7420
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["serve", "--http", "--host", "0.0.0.0", "--port", "7420"]
