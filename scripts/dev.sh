#!/usr/bin/env bash
# One command from a fresh clone to a running Kintsugi: installs dependencies, makes .env,
# makes sure PostgreSQL and Redis answer (starting them with Docker Compose when they do not
# and a Docker engine is reachable), creates the database, builds, migrates, seeds the demo
# practice, then runs the API and the worker until Ctrl-C.
#
# Usage: ./scripts/dev.sh   (or: bash scripts/dev.sh, or npm run dev once installed)
# Works with the bash 3.2 that macOS ships.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)

if [ -t 1 ]; then BOLD=$'\033[1m'; RED=$'\033[31m'; RESET=$'\033[0m'; else BOLD=''; RED=''; RESET=''; fi
step() { printf '%s==> %s%s\n' "$BOLD" "$*" "$RESET"; }
die() { printf '%sdev.sh: %s%s\n' "$RED" "$*" "$RESET" >&2; exit 1; }

# --- Node.js -------------------------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "Node.js 20.19 or newer is required: https://nodejs.org/"
command -v npm >/dev/null 2>&1 || die "npm is required (it ships with Node.js)."
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
  || die "Node.js 20.19 or newer is required; this is $(node -v)."

# --- Dependencies --------------------------------------------------------------------------
# npm ci on a fresh clone; afterwards only when package.json or the lock changed since the
# last install (npm keeps its record of an install in node_modules/.package-lock.json).
if [ ! -f package-lock.json ]; then
  step "Installing dependencies (npm install: no package-lock.json)"
  npm install --no-audit --no-fund
elif [ ! -f node_modules/.package-lock.json ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ] \
  || [ package.json -nt node_modules/.package-lock.json ]; then
  step "Installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
else
  step "Dependencies are up to date"
fi

# --- Configuration -------------------------------------------------------------------------
if [ ! -f .env ]; then
  cp .env.example .env
  step "Created .env from .env.example (development defaults; edit it to taste)"
fi

# Exports each KEY=value of .env that the shell has not already set: the shell wins.
load_env_file() {
  local line key
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line#export }
    case "$line" in '' | '#'*) continue ;; esac
    key=${line%%=*}
    case "$key" in '' | *[!A-Za-z0-9_]*) continue ;; esac
    if [ -z "${!key+set}" ]; then eval "export $line"; fi
  done <"$1"
}
load_env_file .env

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kintsugi}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
PORT="${PORT:-3000}"
WORKER_PORT="${WORKER_PORT:-3001}"

# Shows a URL without its password.
redact() { printf '%s' "$1" | sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#'; }

# --- PostgreSQL and Redis ------------------------------------------------------------------
probe() { node scripts/dev-services.js "$@" 2>/dev/null; }

host_of() { node -e 'const u = new URL(process.argv[1]); process.stdout.write(u.hostname)' "$1"; }
port_of() { node -e 'const u = new URL(process.argv[1]); process.stdout.write(u.port || process.argv[2])' "$1" "$2"; }
is_local() { case "$(host_of "$1")" in 127.0.0.1 | localhost | ::1 | '[::1]') return 0 ;; *) return 1 ;; esac; }

# Which of postgres/redis do not answer? (Misconfiguration such as a wrong password stops here:
# starting containers would not fix it.)
missing=""
status=0
probe pg "$DATABASE_URL" || status=$?
case $status in
  0) ;;
  3) missing="postgres" ;;
  *) node scripts/dev-services.js pg "$DATABASE_URL" || true
     die "PostgreSQL at $(redact "$DATABASE_URL") answered but refused us; check DATABASE_URL in .env." ;;
esac
status=0
probe redis "$REDIS_URL" || status=$?
case $status in
  0) ;;
  3) missing="$missing redis" ;;
  *) node scripts/dev-services.js redis "$REDIS_URL" || true
     die "Redis at $(redact "$REDIS_URL") answered but refused us; check REDIS_URL in .env." ;;
esac

compose_cmd() {
  if docker compose version >/dev/null 2>&1; then echo "docker compose"
  elif command -v docker-compose >/dev/null 2>&1; then echo "docker-compose"
  else return 1; fi
}

how_to_start() {
  cat >&2 <<EOF

Kintsugi needs PostgreSQL 14+ and Redis 6+.
  PostgreSQL: $(redact "$DATABASE_URL")
  Redis:      $(redact "$REDIS_URL")
Start them in one of these ways, then run ./scripts/dev.sh again:
  - Docker:   start Docker (Desktop or the engine), and this script starts both for you
              (or yourself: docker compose up -d postgres redis)
  - Debian/Ubuntu: sudo apt-get install postgresql redis-server
              sudo service postgresql start && sudo service redis-server start
  - macOS (Homebrew): brew install postgresql@16 redis
              brew services start postgresql@16 && brew services start redis
Or point DATABASE_URL and REDIS_URL in .env at servers you already run.
EOF
}

if [ -n "$missing" ]; then
  step "Not answering:$( [ "${missing#postgres}" != "$missing" ] && printf ' PostgreSQL (%s)' "$(redact "$DATABASE_URL")")$( [ "${missing%redis}" != "$missing" ] && printf ' Redis (%s)' "$(redact "$REDIS_URL")")"
  for svc in $missing; do
    url=$DATABASE_URL; [ "$svc" = redis ] && url=$REDIS_URL
    is_local "$url" || { how_to_start; die "$svc is configured on a remote host; start it there."; }
  done
  compose=""
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then compose=$(compose_cmd || true); fi
  if [ -z "$compose" ]; then
    how_to_start
    die "PostgreSQL/Redis are not running and no Docker engine with Compose is reachable."
  fi
  step "Starting$(printf ' %s' $missing) with $compose"
  # The containers publish on the ports the URLs name (docker-compose.yml reads these two).
  POSTGRES_PORT=$(port_of "$DATABASE_URL" 5432)
  REDIS_PORT=$(port_of "$REDIS_URL" 6379)
  export POSTGRES_PORT REDIS_PORT
  # shellcheck disable=SC2086 # $compose and $missing are word lists on purpose
  $compose up -d $missing
  for svc in $missing; do
    url=$DATABASE_URL; kind=pg
    [ "$svc" = redis ] && { url=$REDIS_URL; kind=redis; }
    printf 'Waiting for %s' "$svc"
    for _ in $(seq 1 60); do
      if probe "$kind" "$url"; then break; fi
      printf '.'; sleep 1
    done
    echo
    probe "$kind" "$url" || die "$svc did not come up within 60 s; see: $compose logs $svc"
  done
fi
step "PostgreSQL and Redis answer"

node scripts/dev-services.js createdb "$DATABASE_URL"

# --- Build, migrate, seed ------------------------------------------------------------------
step "Building (npm run build)"
npm run --silent build
step "Migrating (npm run migration:run)"
# The TypeORM CLI prints every statement; keep the summary lines.
npm run --silent migration:run >"${TMPDIR:-/tmp}/kintsugi-migrate.$$.log" 2>&1 \
  || { cat "${TMPDIR:-/tmp}/kintsugi-migrate.$$.log" >&2; rm -f "${TMPDIR:-/tmp}/kintsugi-migrate.$$.log"; die "migrations failed"; }
grep -E 'has been executed successfully|No migrations are pending' "${TMPDIR:-/tmp}/kintsugi-migrate.$$.log" || true
rm -f "${TMPDIR:-/tmp}/kintsugi-migrate.$$.log"
step "Seeding the demo practice (npm run seed)"
npm run --silent seed

# --- Run -----------------------------------------------------------------------------------
# The two processes are started with node directly (the same commands as `npm run start:api` and
# `npm run start:worker`): npm does not pass signals on to a script's process, which would leave
# them running after Ctrl-C.
api_pid=""
worker_pid=""
stopping=0
alive() {
  local pid
  for pid in $api_pid $worker_pid; do kill -0 "$pid" 2>/dev/null && return 0; done
  return 1
}
wait_for_exit() { # tenths of a second
  local _
  for _ in $(seq 1 "$1"); do alive || return 0; sleep 0.1; done
  return 1
}
stop_all() {
  [ "$stopping" = 1 ] && return
  stopping=1
  trap - INT TERM
  alive || return 0
  echo
  step "Stopping the API and the worker"
  # On Ctrl-C the terminal has already sent SIGINT to both and they are shutting down; a second
  # signal would cut that short, so give them a moment first.
  if [ "${1:-}" = INT ]; then wait_for_exit 50 && return 0; fi
  for pid in $api_pid $worker_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  wait_for_exit 100 && return 0
  for pid in $api_pid $worker_pid; do kill -KILL "$pid" 2>/dev/null || true; done
}
trap 'stop_all INT; exit 130' INT
trap 'stop_all TERM; exit 143' TERM
trap 'stop_all' EXIT

# Each process's output is prefixed with its name; the prefixer ignores Ctrl-C so that it
# still shows what the process says while it shuts down.
prefix() {
  trap '' INT
  exec awk -v p="$1" '{ print p $0; fflush() }'
}
step "Starting the API (npm run start:api) and the worker (npm run start:worker)"
( exec node "$ROOT/dist/src/main.api.js" ) > >(prefix '[api]    ') 2>&1 &
api_pid=$!
( exec node "$ROOT/dist/src/main.worker.js" ) > >(prefix '[worker] ') 2>&1 &
worker_pid=$!

ready=0
for _ in $(seq 1 60); do
  kill -0 "$api_pid" 2>/dev/null || die "the API exited during start-up (see [api] lines above)"
  kill -0 "$worker_pid" 2>/dev/null || die "the worker exited during start-up (see [worker] lines above)"
  if probe http "http://127.0.0.1:$PORT/health/ready" && probe http "http://127.0.0.1:$WORKER_PORT/health/ready"; then
    ready=1
    break
  fi
  sleep 1
done
[ "$ready" = 1 ] || die "the API or the worker did not become ready within 60 s"

cat <<EOF

${BOLD}Kintsugi is running.${RESET} Ctrl-C stops both processes.
  API            http://localhost:$PORT/v1
  API docs       http://localhost:$PORT/docs   (OpenAPI JSON: http://localhost:$PORT/docs-json)
  Readiness      http://localhost:$PORT/health/ready
  Metrics        http://localhost:$PORT/metrics
  Queues         http://localhost:$PORT/admin/queues   (user ${QUEUE_DASHBOARD_USER:-operator}, password from QUEUE_DASHBOARD_PASSWORD in .env)
  Worker health  http://localhost:$WORKER_PORT/health/ready   (metrics: http://localhost:$WORKER_PORT/metrics)
  Sign in        POST http://localhost:$PORT/v1/auth/login with a demo login printed above

EOF

# Runs until Ctrl-C, or until either process stops on its own.
while kill -0 "$api_pid" 2>/dev/null && kill -0 "$worker_pid" 2>/dev/null; do sleep 1; done
kill -0 "$api_pid" 2>/dev/null || die "the API stopped; stopping the worker too"
die "the worker stopped; stopping the API too"
