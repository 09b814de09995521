#!/usr/bin/env bash
# Runs CMD inside a private network namespace made for the browser media tests:
#
#   lo up, and a veth pair v0 (10.200.0.1/24) <-> v1 (10.200.0.2/24)
#
# Janus, the test web server and Chromium all run in there and talk to
# 10.200.0.1 (Janus gathers no ICE candidates on loopback, so the test needs a
# real interface). The namespace has no route anywhere else: no packet of a
# test can leave it. It disappears with the last process in it.
#
#   ./run-in-netns.sh node --test
#   E2E_TIMEOUT_S=300 ./run-in-netns.sh node --test echotest.test.js
#
# If already inside the test namespace (this script started it), CMD just runs.
# Needs root (plain `unshare -n`); as another user it tries a user namespace
# (`unshare -r -n`), which works where unprivileged user namespaces are allowed.
#
# Environment: E2E_TIMEOUT_S (default 900): CMD is killed after that many
# seconds, so a hang fails. Every process still left in the namespace when CMD
# ends is killed (Janus, Chromium, web server of a test that died).
set -euo pipefail
[[ -n "${E2E_TRACE:-}" ]] && { PS4="+ \$(date +%s.%N) "; set -x; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
HOST_IP=10.200.0.1
PEER_IP=10.200.0.2

die() { printf 'run-in-netns: %s\n' "$*" >&2; exit 2; }

(($# > 0)) || die "usage: $0 CMD [ARGS...]"

netns_id() { readlink /proc/self/ns/net; }

# Inside: the marker names this very namespace and v0 carries HOST_IP.
in_test_netns() {
	[[ -n "${COUNSEL_E2E_NETNS:-}" && "$COUNSEL_E2E_NETNS" == "$(netns_id)" ]] &&
		ip -4 -o addr show dev v0 2>/dev/null | grep -q " $HOST_IP/24 "
}

if in_test_netns; then
	exec "$@"
fi

if [[ "${COUNSEL_E2E_NETNS_STAGE:-}" != inner ]]; then
	command -v unshare >/dev/null || die "unshare (util-linux) is missing"
	command -v ip >/dev/null || die "ip (iproute2) is missing"
	export COUNSEL_E2E_NETNS_STAGE=inner COUNSEL_E2E_OUTER_NETNS="$(netns_id)"
	if ((EUID == 0)); then
		exec unshare --net -- "$SELF" "$@"
	else
		exec unshare --map-root-user --net -- "$SELF" "$@"
	fi
fi

# --- stage 2: a fresh, empty network namespace -----------------------------------
unset COUNSEL_E2E_NETNS_STAGE
[[ "$(netns_id)" != "${COUNSEL_E2E_OUTER_NETNS:-}" ]] || die "unshare gave no new network namespace; refusing to configure this one"
unset COUNSEL_E2E_OUTER_NETNS
if ip -o link show | grep -qv ': lo:'; then
	die "the new namespace is not empty; refusing to touch it"
fi

ip link set lo up
ip link add v0 type veth peer name v1
ip addr add "$HOST_IP/24" dev v0
ip addr add "$PEER_IP/24" dev v1
# No IPv6 on the test links: fewer ICE candidates, nothing link-local.
for k in v0 v1; do sysctl -qw "net.ipv6.conf.$k.disable_ipv6=1" 2>/dev/null || true; done
ip link set v0 up
ip link set v1 up
# Both ends are local addresses of this namespace: accept them, no reverse-path filter.
for k in all default v0 v1; do
	sysctl -qw "net.ipv4.conf.$k.accept_local=1" "net.ipv4.conf.$k.rp_filter=0"
done

COUNSEL_E2E_NETNS="$(netns_id)"
export COUNSEL_E2E_NETNS COUNSEL_E2E_HOST_IP="$HOST_IP" COUNSEL_E2E_PEER_IP="$PEER_IP"

# Kills every process of this namespace except this shell (leftovers of CMD).
reap() {
	local pid me=$$ left=()
	for pid in /proc/[0-9]*; do
		pid="${pid#/proc/}"
		[[ "$pid" == "$me" ]] && continue
		# -ef: same device and inode, i.e. the same namespace (no fork per process)
		[[ "/proc/$pid/ns/net" -ef "/proc/$me/ns/net" ]] || continue
		left+=("$pid")
	done
	((${#left[@]} == 0)) && return 0
	printf 'run-in-netns: killing %d leftover process(es) in the test namespace\n' "${#left[@]}" >&2
	kill -KILL "${left[@]}" 2>/dev/null || true
}

# CMD runs in the background so that a signal to this script is handled at
# once: it is passed on to CMD (through timeout), then the namespace is reaped.
child=
forward() { [[ -n "$child" ]] && kill "-$1" "$child" 2>/dev/null || true; }
trap 'forward INT' INT
trap 'forward TERM' TERM
trap 'forward HUP' HUP
trap reap EXIT
timeout --kill-after=10 "${E2E_TIMEOUT_S:-900}" "$@" <&0 &
child=$!
rc=0
while :; do
	wait "$child" && rc=0 || rc=$?
	# wait returns early (>128) when a trapped signal arrives; the child is then still there.
	kill -0 "$child" 2>/dev/null || break
done
if ((rc == 124)); then
	printf 'run-in-netns: %s timed out after %ss\n' "$1" "${E2E_TIMEOUT_S:-900}" >&2
fi
exit "$rc"
