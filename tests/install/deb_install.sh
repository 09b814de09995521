#!/usr/bin/env bash
# The .deb on this Debian 12: cpack builds it from a build folder (default
# build-test, already built), apt-get installs it, Debian's own janus starts
# with Debian's janus.jcfg (plugins_folder = the installed plugin's folder)
# and a plugin config made from the installed sample, and its HTTP API must
# list janus.plugin.counsel; then the package is purged and every file the
# test made is removed. Then the same with the hardened configs the package ships
# (janus.jcfg.in rendered for Debian's folders, token auth), the installed serve.js
# (as the page server's own user janus-counsel-web, which the postinst makes:
# it reads the page and the recording links the plugin shares with its group,
# nothing owner-only) and counsel-room. Root only; refuses to run when the package or a
# janus.plugin.counsel.jcfg is already installed, or Janus's ports are taken,
# so it never touches a real installation.
#
#   tests/install/deb_install.sh [BUILD_DIR]
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="$(cd "${1:-$REPO/build-test}" && pwd)"
log() { printf '[deb] %s\n' "$*" >&2; }
die() { printf '[deb] error: %s\n' "$*" >&2; exit 1; }

((EUID == 0)) || die "needs root (apt-get install)"
dpkg-query -W -f='${Status}' janus-counsel 2>/dev/null | grep -q 'install ok installed' && die "janus-counsel is installed already; not touching it"
[[ -e /etc/janus/janus.plugin.counsel.jcfg ]] && die "/etc/janus/janus.plugin.counsel.jcfg exists; not touching it"
command -v dpkg-shlibdeps >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dpkg-dev >/dev/null
for port in 8088 8188; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is in use (is a Janus running?)"; fi
done

TMP="$(mktemp -d)"
chmod 711 "$TMP"   # the page server's user must reach $TMP/rec (as it reaches /srv/janus-counsel/rec)
JANUS_PID=""
WEB_PID=""
cleanup() {
	[[ -n "$WEB_PID" ]] && kill "$WEB_PID" 2>/dev/null && wait "$WEB_PID" 2>/dev/null || true
	[[ -n "$JANUS_PID" ]] && kill "$JANUS_PID" 2>/dev/null && wait "$JANUS_PID" 2>/dev/null || true
	if dpkg-query -W -f='${Status}' janus-counsel 2>/dev/null | grep -q 'installed'; then
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -q janus-counsel >/dev/null 2>&1 || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

log "cpack in $BUILD"
rm -f "$BUILD"/janus-counsel_*.deb
(cd "$BUILD" && cpack -G DEB >/dev/null)
DEB="$(ls "$BUILD"/janus-counsel_*.deb)"
cp "$DEB" "$TMP/"
log "apt-get install $(basename "$DEB") ($(du -h "$DEB" | cut -f1))"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$TMP/$(basename "$DEB")" >"$TMP/apt.log" 2>&1 || { cat "$TMP/apt.log"; die "apt-get install failed"; }

PLUGIN=/usr/lib/x86_64-linux-gnu/janus/plugins/libjanus_counsel.so
for f in "$PLUGIN" /etc/janus/janus.plugin.counsel.jcfg.sample /usr/bin/counsel-keygen /usr/bin/counsel-room /usr/share/janus-counsel/web/index.html; do
	[[ -e "$f" ]] || die "not installed: $f"
done
# Phone dial-in: counsel-phone, its prompts, and the shipped sample config are consistent.
EXAMPLES=/usr/share/doc/janus-counsel/examples
for f in /usr/bin/counsel-phone /usr/share/janus-counsel/phone/prompts/welcome.s16 "$EXAMPLES/counsel-phone.conf.sample" "$EXAMPLES/systemd/counsel-phone.service"; do
	[[ -e "$f" ]] || die "not installed: $f"
done
mkdir -p "$TMP/phone" && printf 'a-key\n' >"$TMP/phone/key"
sed "s|^service_key_file = .*|service_key_file = $TMP/phone/key|" "$EXAMPLES/counsel-phone.conf.sample" >"$TMP/phone/phone.conf"
/usr/bin/counsel-phone --config "$TMP/phone/phone.conf" --check >"$TMP/phone/check.log" 2>&1 || { cat "$TMP/phone/check.log"; die "the installed counsel-phone refuses the shipped sample config"; }
log "counsel-phone installed: the sample config and the installed prompts pass --check"

# The page server's own system user (packaging/deb/postinst): no login, no home.
WEB_USER=janus-counsel-web
IFS=: read -r _ _ web_uid web_gid _ web_home web_shell < <(getent passwd "$WEB_USER") || die "the postinst made no user $WEB_USER"
((web_uid > 0 && web_uid < 1000)) || die "$WEB_USER is not a system user (uid $web_uid)"
[[ "$web_home" == /nonexistent && "$web_shell" == /usr/sbin/nologin ]] || die "$WEB_USER has a home or a shell: $web_home $web_shell"
[[ "$(getent group "$WEB_USER" | cut -d: -f3)" == "$web_gid" ]] || die "$WEB_USER has no group of its own"
log "system user $WEB_USER (uid $web_uid) for the page server"

# Debian's config folder as it is, plus a plugin config made from the installed sample.
cp -a /etc/janus/. "$TMP/etc/" 2>/dev/null || { mkdir -p "$TMP/etc"; cp -a /etc/janus/. "$TMP/etc/"; }
CREDS="$(/usr/bin/counsel-keygen --id deb-test --json)"
HASH="$(printf '%s' "$CREDS" | sed -E 's/.*"key_hash":"([^"]+)".*/\1/')"
sed -e "s|^\(\s*state_db = \).*|\1\"$TMP/state.db\"|" -e "s|^\(\s*rec_dir = \).*|\1\"$TMP/rec\"|" \
	/etc/janus/janus.plugin.counsel.jcfg.sample >"$TMP/etc/janus.plugin.counsel.jcfg"
printf 'practitioners = (\n\t{ id = "deb-test"; key_hash = "%s"; }\n)\n' "$HASH" >>"$TMP/etc/janus.plugin.counsel.jcfg"
rm -f "$TMP/etc/janus.plugin.counsel.jcfg.sample"

log "starting Debian's janus with Debian's janus.jcfg"
janus -C "$TMP/etc/janus.jcfg" -F "$TMP/etc" -L "$TMP/janus.log" >/dev/null 2>&1 &
JANUS_PID=$!
INFO=""
for _ in $(seq 100); do
	INFO="$(curl -s --max-time 1 http://127.0.0.1:8088/janus/info || true)"
	[[ -n "$INFO" ]] && break
	kill -0 "$JANUS_PID" 2>/dev/null || { tail -20 "$TMP/janus.log"; die "janus exited"; }
	sleep 0.2
done
[[ -n "$INFO" ]] || { tail -20 "$TMP/janus.log"; die "janus's HTTP API did not answer"; }
grep -q '"janus.plugin.counsel"' <<<"$INFO" || { tail -30 "$TMP/janus.log"; die "janus.plugin.counsel is not loaded"; }
grep -q 'JANUS Counsel plugin initialized\|counsel.*initialized' "$TMP/janus.log" || { tail -30 "$TMP/janus.log"; die "the plugin did not initialize"; }
log "janus.plugin.counsel loaded by Debian's janus from the .deb"

kill "$JANUS_PID"; wait "$JANUS_PID" 2>/dev/null || true; JANUS_PID=""

# --- the admin's path: the hardened configs shipped in the package -------------------
# janus.jcfg from the installed janus.jcfg.in (Debian's folders, token auth with a
# fresh secret), the two transport configs, the plugin config as above; then the
# installed serve.js and counsel-room must work through token auth, and Janus must
# refuse requests without a token and offer no other plugin.
EX=/usr/share/doc/janus-counsel/examples
mkdir -p "$TMP/hard"
umask 077
SECRET="$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
printf '%s\n' "$SECRET" >"$TMP/hard/token.secret"
MULTIARCH_LIB=/usr/lib/x86_64-linux-gnu/janus
sed -e "s|@COUNSEL_CONFIGS_DIR@|$TMP/hard|g" -e "s|@COUNSEL_PLUGINS_DIR@|$MULTIARCH_LIB/plugins|g" \
	-e "s|@JANUS_LIB_DIR@|$MULTIARCH_LIB|g" -e "s|@COUNSEL_TOKEN_SECRET@|$SECRET|g" \
	-e "s|@COUNSEL_EVENT_LOOPS@|$(nproc)|g" "$EX/janus.jcfg.in" >"$TMP/hard/janus.jcfg"
umask 022
grep -v '^\s*#' "$TMP/hard/janus.jcfg" | grep -q '@[A-Z_]*@' && die "a placeholder is left in the rendered janus.jcfg.in"
cp "$EX/janus.transport.http.jcfg" "$EX/janus.transport.websockets.jcfg" "$TMP/etc/janus.plugin.counsel.jcfg" "$TMP/hard/"
log "starting Debian's janus with the hardened configs from the package"
janus -C "$TMP/hard/janus.jcfg" -F "$TMP/hard" -L "$TMP/janus-hard.log" >/dev/null 2>&1 &
JANUS_PID=$!
ANSWER=""
for _ in $(seq 100); do
	ANSWER="$(curl -s --max-time 1 -X POST -d '{"janus":"create","transaction":"t1"}' http://127.0.0.1:8088/janus || true)"
	[[ -n "$ANSWER" ]] && break
	kill -0 "$JANUS_PID" 2>/dev/null || { tail -20 "$TMP/janus-hard.log"; die "janus exited with the hardened configs"; }
	sleep 0.2
done
grep -q '"code":403' <<<"$ANSWER" || die "a request without a token was not refused: $ANSWER"
# The plugin (rec_reader_group = "janus-counsel-web" in the sample) shares rec_dir
# and its link folder with the page server's group: enter, not list.
for d in "$TMP/rec" "$TMP/rec/_links"; do
	[[ "$(stat -c '%a %U %G' "$d")" == "710 root $WEB_USER" ]] || die "$d is $(stat -c '%a %U %G' "$d"), not 710 root $WEB_USER"
done
# serve.js as systemd runs it (conf/systemd/janus-counsel-web.service): its own
# user, the token secret as a credential (a private 0400 copy, LoadCredential).
CRED="$TMP/credentials"
install -d -m 500 -o "$WEB_USER" -g "$WEB_USER" "$CRED"
install -m 400 -o "$WEB_USER" -g "$WEB_USER" "$TMP/hard/token.secret" "$CRED/janus-token.secret"
AS_WEB=(setpriv --reuid="$WEB_USER" --regid="$WEB_USER" --init-groups --no-new-privs --)
as_web() { "${AS_WEB[@]}" "$@"; }
as_web cat "$TMP/hard/token.secret" >/dev/null 2>&1 && die "$WEB_USER can read the secret file itself"
as_web ls "$TMP/rec" >/dev/null 2>&1 && die "$WEB_USER can list rec_dir"
# A finished recording and its link, with the modes the plugin gives them
# (tests/unit: capability_store_test, recording_recorder_test).
REF=0123456789abcdef
CAP="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
DIGEST="$(printf '%s' "$CAP" | sha256sum | cut -d' ' -f1)"
install -d -m 710 -g "$WEB_USER" "$TMP/rec/$REF"
printf 'not really an mp4\n' >"$TMP/rec/$REF/recording.mp4"
printf '{}\n' >"$TMP/rec/$REF/state.json"
chmod 600 "$TMP/rec/$REF/state.json"
chgrp "$WEB_USER" "$TMP/rec/$REF/recording.mp4" && chmod 640 "$TMP/rec/$REF/recording.mp4"
printf '{"room":"%s","granted_at":%s,"expires_at":%s}\n' "$REF" "$(date +%s)" "$(($(date +%s) + 3600))" >"$TMP/rec/_links/$DIGEST"
chgrp "$WEB_USER" "$TMP/rec/_links/$DIGEST" && chmod 640 "$TMP/rec/_links/$DIGEST"
as_web cat "$TMP/rec/$REF/state.json" >/dev/null 2>&1 && die "$WEB_USER can read a recording's marker"
WEB_LOG="$TMP/serve.log"
"${AS_WEB[@]}" node /usr/share/janus-counsel/web/server/serve.js --host 127.0.0.1 --port 0 --janus ws://127.0.0.1:8188 \
	--rec-dir "$TMP/rec" --janus-token-secret-file "$CRED/janus-token.secret" >"$WEB_LOG" 2>&1 &
WEB_PID=$!
WEB=""
for _ in $(seq 50); do
	WEB="$(sed -n 's/^listening on //p' "$WEB_LOG")"
	[[ -n "$WEB" ]] && break
	sleep 0.1
done
[[ -n "$WEB" ]] || { kill "$WEB_PID" 2>/dev/null; cat "$WEB_LOG"; die "the installed serve.js did not start"; }
TOKEN="$(curl -s "${WEB}config.json" | sed -E 's/.*"token":"([^"]+)".*/\1/')"
[[ "$(ps -o uid= -p "$WEB_PID" | tr -d " ")" == "$web_uid" ]] || die "serve.js does not run as $WEB_USER"
curl -sf "${WEB}" | grep -q '<html' || die "serve.js as $WEB_USER does not serve the page"
[[ "$(curl -s "${WEB}rec/$CAP")" == "not really an mp4" ]] || die "serve.js as $WEB_USER cannot serve a shared recording link"
chmod 600 "$TMP/rec/$REF/recording.mp4"
[[ "$(curl -s -o /dev/null -w '%{http_code}' "${WEB}rec/$CAP")" == 404 ]] || die "serve.js reads an owner-only recording: is it root?"
kill "$WEB_PID" 2>/dev/null || true
wait "$WEB_PID" 2>/dev/null || true
WEB_PID=""
rm -rf "${TMP:?}/rec/$REF" "$TMP/rec/_links/$DIGEST"
log "serve.js as $WEB_USER: page, config.json token and a shared recording link work; owner-only files and the secret file stay closed"
INFO="$(curl -s "http://127.0.0.1:8088/janus/info?token=$TOKEN")"
LOADED="$(grep -o '"janus\.plugin\.[a-z]*":' <<<"$INFO" | sort -u | tr -d '":\n')"
[[ "$LOADED" == "janus.plugin.counsel" ]] || die "the hardened janus.jcfg loads other plugins too: $LOADED"
SESSION="$(curl -s -X POST -d "{\"janus\":\"create\",\"transaction\":\"t2\",\"token\":\"$TOKEN\"}" http://127.0.0.1:8088/janus)"
grep -q '"janus":"success"' <<<"$SESSION" || die "serve.js's token did not open a session: $SESSION"
LINKS="$(COUNSEL_PRACTITIONER_KEY="$(printf '%s' "$CREDS" | sed -E 's/.*"key":"([^"]+)".*/\1/')" \
	/usr/bin/counsel-room --page https://counsel.example.org/ --janus-token-secret-file "$TMP/hard/token.secret" <<<'{"invitees": ["Client"]}')" ||
	die "the installed counsel-room failed through token auth"
grep -q '"moderator_link": "https://counsel.example.org/#room=' <<<"$LINKS" || die "counsel-room printed no links: $LINKS"
grep -qF -e "$SECRET" "$TMP/janus-hard.log" "$WEB_LOG" && die "the token secret reached a log"
log "hardened configs: only the counsel plugin, 403 without a token, serve.js and counsel-room work with tokens"

kill "$JANUS_PID"; wait "$JANUS_PID" 2>/dev/null || true; JANUS_PID=""
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q janus-counsel >/dev/null
[[ ! -e "$PLUGIN" && ! -e /etc/janus/janus.plugin.counsel.jcfg.sample && ! -e /usr/bin/counsel-phone ]] || die "purge left files behind"
getent passwd "$WEB_USER" >/dev/null && die "purge left the user $WEB_USER behind"
getent group "$WEB_USER" >/dev/null && die "purge left the group $WEB_USER behind"
log "purged; nothing left"
