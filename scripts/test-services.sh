#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis servers for the backend tests in tests/backends/.
#
#   scripts/test-services.sh make test       # start both, run the command, stop both
#   source scripts/test-services.sh && test_services_start   # then: make test; test_services_stop
#
# Exports TEST_DATABASE_URL (postgresql+asyncpg://, a database of a fresh cluster in a temporary
# folder, trust auth on 127.0.0.1, fsync off) and TEST_REDIS_URL (redis://, no persistence), each
# on a free port. A server that cannot be had (no PostgreSQL binaries; redis-server missing and
# apt-get unable to install it) is reported in one line, and the tests that need it are skipped.
# As root, PostgreSQL runs as the `postgres` user (it refuses to run as root).

_ts_dir=""
_ts_pg_bin=""
_ts_pg_as=()
_ts_redis_port=""

_ts_log() { echo "test-services: $*"; }

_ts_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

_ts_find_pg_bin() {
    local dir
    for dir in "${PG_BINDIR:-}" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV) \
        "$(dirname "$(command -v postgres 2>/dev/null || echo /nonexistent/x)")"; do
        if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

_ts_start_postgres() {
    local bin pg port
    bin=$(_ts_find_pg_bin) || { _ts_log "no PostgreSQL server binaries found"; return 1; }
    pg="$_ts_dir/pg"
    mkdir -p "$pg" || return 1
    _ts_pg_as=()
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || { _ts_log "running as root and no postgres user"; return 1; }
        chown postgres: "$pg" || return 1
        _ts_pg_as=(runuser -u postgres --)
    fi
    (cd "$pg" && "${_ts_pg_as[@]}" "$bin/initdb" -D "$pg/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$pg/initdb.log" 2>&1) \
        || { _ts_log "initdb failed:"; tail -n 5 "$pg/initdb.log"; return 1; }
    port=$(_ts_free_port) || return 1
    (cd "$pg" && "${_ts_pg_as[@]}" "$bin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$pg" \
        -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null) \
        || { _ts_log "PostgreSQL did not start:"; tail -n 5 "$pg/server.log"; return 1; }
    _ts_pg_bin="$bin"
    (cd "$pg" && "${_ts_pg_as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres \
        farmdesk_test) || { _ts_log "createdb failed"; return 1; }
    export TEST_DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:$port/farmdesk_test"
    _ts_log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

_ts_install_redis() {
    command -v redis-server >/dev/null 2>&1 && return 0
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        _ts_log "redis-server is not installed (apt-get install redis-server)"
        return 1
    fi
    _ts_log "installing redis-server with apt-get"
    if ! (export DEBIAN_FRONTEND=noninteractive \
        && timeout 600 apt-get update -qq \
        && timeout 600 apt-get install -y -qq --no-install-recommends redis-server) \
        >"$_ts_dir/apt.log" 2>&1; then
        _ts_log "apt-get could not install redis-server:"
        tail -n 5 "$_ts_dir/apt.log"
        return 1
    fi
}

_ts_start_redis() {
    local port redis="$_ts_dir/redis" i
    _ts_install_redis || return 1
    mkdir -p "$redis" || return 1
    port=$(_ts_free_port) || return 1
    redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$redis" \
        --daemonize yes --pidfile "$redis/redis.pid" --logfile "$redis/redis.log" \
        || { _ts_log "redis-server did not start"; return 1; }
    _ts_redis_port="$port"
    for i in $(seq 100); do
        [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]] && break
        sleep 0.05
    done
    [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]] \
        || { _ts_log "redis-server does not answer:"; tail -n 5 "$redis/redis.log"; return 1; }
    export TEST_REDIS_URL="redis://127.0.0.1:$port/0"
    _ts_log "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$port"
}

test_services_start() {
    local started=$SECONDS
    unset TEST_DATABASE_URL TEST_REDIS_URL
    _ts_dir=$(mktemp -d "${TMPDIR:-/tmp}/farmdesk-services.XXXXXX") || return 1
    chmod 755 "$_ts_dir"
    _ts_start_postgres || _ts_log "no PostgreSQL: its tests will be skipped"
    _ts_start_redis || _ts_log "no Redis: its tests will be skipped"
    _ts_log "ready in $((SECONDS - started)) s"
    return 0
}

test_services_stop() {
    if [[ -n "$_ts_redis_port" ]]; then
        redis-cli -h 127.0.0.1 -p "$_ts_redis_port" shutdown nosave >/dev/null 2>&1 \
            || { [[ -f "$_ts_dir/redis/redis.pid" ]] && kill "$(cat "$_ts_dir/redis/redis.pid")"; }
        _ts_redis_port=""
    fi
    if [[ -n "$_ts_pg_bin" ]]; then
        (cd "$_ts_dir/pg" && "${_ts_pg_as[@]}" "$_ts_pg_bin/pg_ctl" -D "$_ts_dir/pg/data" \
            -m immediate -w stop >/dev/null 2>&1) || _ts_log "could not stop PostgreSQL"
        _ts_pg_bin=""
    fi
    if [[ -n "$_ts_dir" ]]; then
        rm -rf "$_ts_dir"
        _ts_dir=""
    fi
    unset TEST_DATABASE_URL TEST_REDIS_URL
    return 0
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    if [[ $# -eq 0 ]]; then
        echo "usage: $0 COMMAND [ARG...]   (or source it and call test_services_start)" >&2
        exit 2
    fi
    trap test_services_stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    test_services_start
    "$@"
fi
