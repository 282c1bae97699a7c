#!/usr/bin/env bash
# Print a DATABASE_URL for the test suite's PostgreSQL, starting the local
# cluster and creating the test role first when run as root.
# An explicit TEST_DATABASE_URL wins (e.g. a developer's own server).
set -euo pipefail

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "$TEST_DATABASE_URL"
  exit 0
fi

fail() { echo "ensure-postgres: $*" >&2; exit 1; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || fail "PostgreSQL is not installed; install it (apt-get install postgresql) or set TEST_DATABASE_URL."
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >&2 \
    || fail "could not install PostgreSQL with apt-get."
fi

version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
[ -n "$version" ] || fail "no PostgreSQL cluster found under /etc/postgresql."

if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online" {found=1} END {exit !found}'; then
  [ "$(id -u)" = 0 ] || fail "the PostgreSQL $version cluster is stopped; start it as root (pg_ctlcluster $version main start) or set TEST_DATABASE_URL."
  pg_ctlcluster "$version" main start >&2 || fail "pg_ctlcluster $version main start failed."
fi

if [ "$(id -u)" = 0 ]; then
  exists=$(su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'guide_cms'\"")
  if [ "$exists" != 1 ]; then
    su postgres -c "psql -q -c \"CREATE ROLE guide_cms LOGIN CREATEDB PASSWORD 'guide_cms'\"" >&2
  fi
fi

port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
echo "postgres://guide_cms:guide_cms@127.0.0.1:${port}/guide_cms"
