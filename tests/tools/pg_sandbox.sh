#!/usr/bin/env bash
# A throwaway PostgreSQL server from Debian's packages for tests, on
# 127.0.0.1 with a free port and password (SCRAM) authentication, in a folder
# of its own; nothing in /etc or /var is touched.
#
#   tests/tools/pg_sandbox.sh start DIR      starts it; prints CONNINFO=<libpq string> (with the password)
#   tests/tools/pg_sandbox.sh stop DIR       stops it and removes DIR
#   tests/tools/pg_sandbox.sh pause DIR      stops the server, keeps its data (an outage)
#   tests/tools/pg_sandbox.sh resume DIR     starts it again on the same port
#   tests/tools/pg_sandbox.sh run -- CMD...  start in a temporary folder, run CMD with
#                                            COUNSEL_TEST_PG_CONNINFO set, stop; CMD's exit status
#
# Exit status 77 (ctest's "skipped") when PostgreSQL's server binaries are not
# installed; scripts/test installs them, so CI always runs what needs them.
# As root the server runs as the "postgres" user Debian's package creates.
set -euo pipefail

die() { printf 'pg_sandbox: %s\n' "$*" >&2; exit 1; }

BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
[[ -n "$BIN" && -x "$BIN/initdb" ]] || { printf 'pg_sandbox: PostgreSQL server binaries not installed (apt-get install postgresql); skipped\n' >&2; exit 77; }

as_owner() {
	if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
	local dir="$1" port password i
	mkdir -p "$dir"
	if ((EUID == 0)); then chown postgres: "$dir"; fi
	chmod 700 "$dir"
	password="$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
	printf '%s\n' "$password" >"$dir/pwfile"
	if ((EUID == 0)); then chown postgres: "$dir/pwfile"; fi
	as_owner "$BIN/initdb" -D "$dir/data" -U counsel --pwfile="$dir/pwfile" --auth-host=scram-sha-256 \
		--auth-local=scram-sha-256 -E UTF8 --no-instructions >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
	rm -f "$dir/pwfile"
	for i in 1 2 3 4 5; do
		port=$(( (RANDOM % 20000) + 40000 ))
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
		if as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
			-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c synchronous_commit=on" start >/dev/null 2>&1; then
			printf '%s\n' "$port" >"$dir/port"
			printf 'CONNINFO=host=127.0.0.1 port=%s dbname=postgres user=counsel password=%s\n' "$port" "$password"
			return 0
		fi
	done
	cat "$dir/server.log" >&2 2>/dev/null || true
	die "the server did not start"
}

stop() {
	local dir="$1"
	[[ -d "$dir/data" ]] && as_owner "$BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}

pause() {
	as_owner "$BIN/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null
}

resume() {
	local dir="$1"
	as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
		-o "-c listen_addresses=127.0.0.1 -p $(cat "$dir/port") -k $dir -c fsync=on -c synchronous_commit=on" start >/dev/null
}

case "${1:-}" in
	pause) [[ -n "${2:-}" ]] || die "usage: pause DIR"; pause "$2" ;;
	resume) [[ -n "${2:-}" ]] || die "usage: resume DIR"; resume "$2" ;;
	start) [[ -n "${2:-}" ]] || die "usage: start DIR"; start "$2" ;;
	stop) [[ -n "${2:-}" ]] || die "usage: stop DIR"; stop "$2" ;;
	run)
		shift
		[[ "${1:-}" == "--" ]] && shift
		(($#)) || die "usage: run -- CMD..."
		dir="$(mktemp -d /tmp/counsel-pg-XXXXXX)"
		trap 'stop "$dir"' EXIT
		line="$(start "$dir")"
		export COUNSEL_TEST_PG_CONNINFO="${line#CONNINFO=}"
		export COUNSEL_TEST_PG_DIR="$dir"
		status=0
		"$@" || status=$?
		exit "$status"
		;;
	*) die "usage: pg_sandbox.sh start DIR | stop DIR | run -- CMD..." ;;
esac
