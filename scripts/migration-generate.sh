#!/usr/bin/env bash
# Generates a migration from the difference between the entities and a scratch database
# migrated to head, so a developer's own database is never the reference.
# Usage: npm run migration:generate -- Name
set -euo pipefail
name="${1:?usage: npm run migration:generate -- MigrationName}"
base="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kintsugi}"
scratch="kintsugi_gen_$$"
admin_url="${base%/*}/postgres"
psql "$admin_url" -qc "CREATE DATABASE $scratch" >/dev/null
trap 'psql "$admin_url" -qc "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" >/dev/null' EXIT
export DATABASE_URL="${base%/*}/$scratch"
npx typeorm-ts-node-commonjs migration:run -d src/database/data-source.ts >/dev/null
npx typeorm-ts-node-commonjs migration:generate -d src/database/data-source.ts --pretty "migrations/$name"
