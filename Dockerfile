FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src src
COPY migrations migrations
COPY prompts prompts
COPY schema schema
# npm ci builds dist/ (prepare); the compiler is then pruned away with the other dev dependencies.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund
USER node
EXPOSE 7420
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["serve", "--http", "--host", "0.0.0.0", "--port", "7420"]
