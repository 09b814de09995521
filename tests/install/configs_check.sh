#!/usr/bin/env bash
# Checks the shipped admin configs with each tool's own validator:
#   conf/nginx/janus-counsel.conf          nginx -t (with a self-signed certificate made here)
#   conf/nginx/janus-counsel-nodes.conf    nginx -t, then live: nginx with it in front of stand-in nodes
#                                          (nodes_proxy_check.py) routes each /n/<node>/ path to that node
#   conf/coturn/turnserver.conf            turnserver started on 127.0.0.1 with it, must come up and listen
#   conf/systemd/janus.service.d/*.conf    systemd-analyze verify of Debian's janus.service with the drop-in
#   conf/systemd/janus-counsel-web.service systemd-analyze verify (the page's server), runs as its own
#                                          user with the secret as a credential, exposure <= 2.5
#                                          (systemd-analyze security --offline)
#   conf/systemd/counsel-phone.service     systemd-analyze verify (phone dial-in)
#   conf/systemd/journald@janus.conf       its keys against Debian's journald.conf
# Installs nginx-light and coturn when missing, with their services kept from
# starting (policy-rc.d). Root only. Nothing is left running or changed in /etc.
#
#   tests/install/configs_check.sh
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
log() { printf '[configs] %s\n' "$*" >&2; }
die() { printf '[configs] error: %s\n' "$*" >&2; exit 1; }
((EUID == 0)) || die "needs root"

TMP="$(mktemp -d)"
TURN_PID=""
NGINX_PID=""
cleanup() {
	[[ -n "$TURN_PID" ]] && kill "$TURN_PID" 2>/dev/null || true
	[[ -n "$NGINX_PID" ]] && kill "$NGINX_PID" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
command -v turnserver >/dev/null || missing+=(coturn)
if ((${#missing[@]})); then
	log "installing ${missing[*]} (services not started)"
	policy=/usr/sbin/policy-rc.d
	had_policy=0; [[ -e $policy ]] && had_policy=1
	((had_policy)) || { printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >"$TMP/apt.log" 2>&1 ||
		{ ((had_policy)) || rm -f "$policy"; cat "$TMP/apt.log"; die "apt-get install failed"; }
	((had_policy)) || rm -f "$policy"
fi

# --- nginx -------------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=counsel.example.org" \
	-keyout "$TMP/key.pem" -out "$TMP/cert.pem" >/dev/null 2>&1
# nginx -t of one site file, with the test certificate and log paths put in.
nginx_check() {
	local site="$1" name
	name="$(basename "$site" .conf)"
	sed -e "s|/etc/ssl/certs/counsel.example.org.pem|$TMP/cert.pem|" -e "s|/etc/ssl/private/counsel.example.org.key|$TMP/key.pem|" \
		-e "s|/var/log/nginx/janus-counsel.error.log|$TMP/site-error.log|" "$site" >"$TMP/$name.site"
	cat >"$TMP/$name.nginx.conf" <<CONF
pid $TMP/nginx.pid;
error_log $TMP/error.log;
events {}
http {
	include /etc/nginx/mime.types;
	client_body_temp_path $TMP/body;
	proxy_temp_path $TMP/proxy;
	include $TMP/$name.site;
}
CONF
	nginx -t -q -c "$TMP/$name.nginx.conf" -p "$TMP/" || die "nginx -t failed for ${site#"$REPO"/}"
	log "nginx -t: ${site#"$REPO"/} ok"
}
nginx_check "$REPO/conf/nginx/janus-counsel.conf"
nginx_check "$REPO/conf/nginx/janus-counsel-nodes.conf"

# --- nginx, live: the nodes site routes by the node in the path --------------------
# The site as checked above, on 127.0.0.1 ports of its own, with node-a/node-b
# on 127.0.0.11/127.0.0.12 (all of 127/8 is loopback), where
# nodes_proxy_check.py puts stand-ins for each node's page server and Janus.
https_port=$(( (RANDOM % 20000) + 30000 ))
http_port=$((https_port + 1))
sed -e "s|^\s*listen 443 ssl http2;|\tlisten 127.0.0.1:$https_port ssl http2;|" -e "s|^\s*listen 80;|\tlisten 127.0.0.1:$http_port;|" \
	-e '/listen \[::\]/d' -e 's|10\.0\.0\.11;|127.0.0.11;|' -e 's|10\.0\.0\.12;|127.0.0.12;|' \
	"$TMP/janus-counsel-nodes.site" >"$TMP/nodes-live.site"
grep -q "127.0.0.1:$https_port ssl" "$TMP/nodes-live.site" && grep -q "127.0.0.12;" "$TMP/nodes-live.site" ||
	die "conf/nginx/janus-counsel-nodes.conf: its listen lines or node map changed; update this check"
sed -e "s|$TMP/janus-counsel-nodes.site|$TMP/nodes-live.site|" -e "s|$TMP/nginx.pid|$TMP/nodes-live.pid|" \
	"$TMP/janus-counsel-nodes.nginx.conf" >"$TMP/nodes-live.nginx.conf"
nginx -c "$TMP/nodes-live.nginx.conf" -p "$TMP/" -g 'daemon off;' &
NGINX_PID=$!
for _ in $(seq 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$https_port") 2>/dev/null && break
	kill -0 "$NGINX_PID" 2>/dev/null || die "nginx did not start with the nodes site"
	sleep 0.1
done
python3 "$REPO/tests/install/nodes_proxy_check.py" "$https_port" "$http_port" ||
	die "conf/nginx/janus-counsel-nodes.conf does not route as README \"Many nodes\" says"
kill "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=""
log "nginx: conf/nginx/janus-counsel-nodes.conf routes /n/<node>/ (page, recording links, Janus WebSocket) to that node"

# --- coturn: it must start with the config and listen ---------------------------------
port=$(( (RANDOM % 20000) + 30000 ))
sed -e "s|^listening-port=.*|listening-port=$port|" -e "s|^tls-listening-port=.*|tls-listening-port=$((port + 1))|" \
	-e "s|^# listening-ip=.*|listening-ip=127.0.0.1|" -e "s|^# cert=.*|cert=$TMP/cert.pem|" -e "s|^# pkey=.*|pkey=$TMP/key.pem|" \
	"$REPO/conf/coturn/turnserver.conf" >"$TMP/turnserver.conf"
turnserver -c "$TMP/turnserver.conf" --pidfile "$TMP/turn.pid" --log-file stdout >"$TMP/turn.log" 2>&1 &
TURN_PID=$!
up=0
for _ in $(seq 50); do
	kill -0 "$TURN_PID" 2>/dev/null || { cat "$TMP/turn.log"; die "turnserver exited with conf/coturn/turnserver.conf"; }
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=1; break; fi
	sleep 0.2
done
((up)) || { tail -20 "$TMP/turn.log"; die "turnserver did not listen on 127.0.0.1:$port"; }
if grep -qi "error\|bad configuration\|unknown option" "$TMP/turn.log"; then grep -i "error\|bad\|unknown" "$TMP/turn.log"; die "turnserver complained about the config"; fi
kill "$TURN_PID"; wait "$TURN_PID" 2>/dev/null || true; TURN_PID=""
log "turnserver: conf/coturn/turnserver.conf starts and listens"

# --- systemd drop-in -------------------------------------------------------------------
mkdir -p "$TMP/units/janus.service.d"
cp /lib/systemd/system/janus.service "$TMP/units/"
cp "$REPO/conf/systemd/janus.service.d/counsel.conf" "$TMP/units/janus.service.d/"
out="$(SYSTEMD_UNIT_PATH="$TMP/units:" systemd-analyze verify --man=no "$TMP/units/janus.service" 2>&1 || true)"
if grep -v "^$" <<<"$out" | grep -qiv "Failed to connect\|not booted\|System has not been booted\|Running in chroot"; then
	printf '%s\n' "$out"; die "systemd-analyze verify complained about conf/systemd/janus.service.d/counsel.conf"
fi
log "systemd-analyze verify: janus.service + conf/systemd/janus.service.d/counsel.conf ok"
cp "$REPO/conf/systemd/janus-counsel-web.service" "$TMP/units/"
# verify wants the ExecStart binary to exist; node is there, serve.js need not be installed for this.
out="$(SYSTEMD_UNIT_PATH="$TMP/units:" systemd-analyze verify --man=no "$TMP/units/janus-counsel-web.service" 2>&1 || true)"
if grep -v "^$" <<<"$out" | grep -qiv "Failed to connect\|not booted\|System has not been booted\|Running in chroot"; then
	printf '%s\n' "$out"; die "systemd-analyze verify complained about conf/systemd/janus-counsel-web.service"
fi
log "systemd-analyze verify: conf/systemd/janus-counsel-web.service ok"
# Its own user, never root; no capability; the token secret only as a credential
# (systemd reads the 0600 root file and hands the service a private copy); the
# page names its room's event loop (--janus-loops auto, as janus.jcfg's event_loops).
unit="$REPO/conf/systemd/janus-counsel-web.service"
for want in '^User=janus-counsel-web$' '^Group=janus-counsel-web$' '^CapabilityBoundingSet=$' '^AmbientCapabilities=$' \
	'^NoNewPrivileges=yes$' '^LoadCredential=janus-token.secret:/etc/janus/counsel-token.secret$' \
	'--janus-token-secret-file %d/janus-token.secret$' '--janus-loops auto' '^InaccessiblePaths=.*/etc/janus' '^LogNamespace=janus$'; do
	grep -qE -e "$want" "$unit" || die "conf/systemd/janus-counsel-web.service lacks $want"
done
grep -qE '^(User|Group)=(root|0)?$' "$unit" && die "conf/systemd/janus-counsel-web.service runs as root"
grep -q '^DynamicUser=' "$unit" && die "conf/systemd/janus-counsel-web.service: DynamicUser cannot hold the recordings' group"
exposure="$(cd "$TMP/units" && systemd-analyze security --offline=true --no-pager janus-counsel-web.service 2>/dev/null |
	sed -n 's/.*Overall exposure level for janus-counsel-web.service: \([0-9.]*\).*/\1/p')"
[[ -n "$exposure" ]] || die "systemd-analyze security --offline gave no exposure level"
awk -v e="$exposure" 'BEGIN { exit !(e <= 2.5) }' || die "janus-counsel-web.service exposure $exposure > 2.5"
log "janus-counsel-web.service: user janus-counsel-web, no capabilities, secret by LoadCredential, exposure $exposure"
# counsel-phone's unit; verify wants its ExecStart binary installed (the .deb test installs the real one).
sed 's|^ExecStart=/usr/bin/counsel-phone |ExecStart=/bin/true |' "$REPO/conf/systemd/counsel-phone.service" >"$TMP/units/counsel-phone.service"
out="$(SYSTEMD_UNIT_PATH="$TMP/units:" systemd-analyze verify --man=no "$TMP/units/counsel-phone.service" 2>&1 || true)"
if grep -v "^$" <<<"$out" | grep -qiv "Failed to connect\|not booted\|System has not been booted\|Running in chroot"; then
	printf '%s\n' "$out"; die "systemd-analyze verify complained about conf/systemd/counsel-phone.service"
fi
log "systemd-analyze verify: conf/systemd/counsel-phone.service ok"

# journald has no validator: every key must be one Debian's /etc/systemd/journald.conf
# lists (it names them all, commented out), in [Journal], with a value.
known="$(sed -n 's/^#\?\([A-Za-z]*\)=.*/\1/p' /etc/systemd/journald.conf)"
[[ "$(grep -v '^\s*\(#\|$\)' "$REPO/conf/systemd/journald@janus.conf" | head -1)" == "[Journal]" ]] ||
	die "conf/systemd/journald@janus.conf: the first section must be [Journal]"
while IFS='=' read -r key value; do
	grep -qx "$key" <<<"$known" || die "conf/systemd/journald@janus.conf: unknown key $key"
	[[ -n "$value" ]] || die "conf/systemd/journald@janus.conf: $key has no value"
done < <(grep -v '^\s*\(#\|$\|\[\)' "$REPO/conf/systemd/journald@janus.conf")
log "journald@janus.conf: every key is one journald knows"
