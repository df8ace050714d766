#!/usr/bin/env bash
# Start a PostgreSQL server on loopback for the test suite (Debian's package), idempotently,
# and print the database URL the tests take from PRESIDIUM_TEST_DATABASE_URL.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start >/dev/null 2>&1 || true
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done
su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='presidium'\"" | grep -q 1 ||
  su postgres -c "psql -q -c \"CREATE USER presidium PASSWORD 'presidium' CREATEDB\""
su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='presidium_test'\"" | grep -q 1 ||
  su postgres -c "createdb -O presidium presidium_test"
echo "postgresql+psycopg://presidium:presidium@127.0.0.1:$port/presidium_test"
