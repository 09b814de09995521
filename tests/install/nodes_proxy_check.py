"""Live check of conf/nginx/janus-counsel-nodes.conf (run by configs_check.sh,
which starts nginx with the site on 127.0.0.1 and node-a/node-b mapped to
127.0.0.11/127.0.0.12). Stand-ins for each node's page server (:8080) and
Janus WebSocket (:8188) answer every request with what reached them; the
check asks nginx and looks at which node got what.

    python3 nodes_proxy_check.py <https port> <http port>

Exits non-zero with the first difference. Standard library only.
"""
import http.client
import http.server
import json
import ssl
import sys
import threading

NODES = {"node-a": "127.0.0.11", "node-b": "127.0.0.12"}


class StandIn(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({
            "at": "%s:%d" % self.server.server_address,
            "path": self.path,
            "upgrade": self.headers.get("Upgrade"),
            "protocol": self.headers.get("Sec-WebSocket-Protocol"),
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet
        pass


def serve(ip, port):
    try:
        server = http.server.ThreadingHTTPServer((ip, port), StandIn)
    except OSError as e:
        sys.exit(f"cannot listen on {ip}:{port} for a stand-in node ({e}); is something using port {port}?")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def ask(port, path, tls=True, headers=None):
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": "counsel.example.org", **(headers or {})})
    res = conn.getresponse()
    body = res.read()
    conn.close()
    return res.status, dict(res.getheaders()), body


def expect(what, actual, wanted):
    if actual != wanted:
        sys.exit(f"{what}: got {actual!r}, wanted {wanted!r}")
    print(f"[configs]   {what}: ok")


def main():
    https_port, http_port = int(sys.argv[1]), int(sys.argv[2])
    for ip in NODES.values():
        serve(ip, 8080)
        serve(ip, 8188)

    def routed(path, headers=None):
        status, _, body = ask(https_port, path, headers=headers)
        if status != 200:
            sys.exit(f"{path}: HTTP {status}, wanted 200 from a node")
        return json.loads(body)

    for node, ip in NODES.items():
        page = routed(f"/n/{node}/?x=1")
        expect(f"/n/{node}/ reaches {node}'s page server without the prefix",
               (page["at"], page["path"]), (f"{ip}:8080", "/?x=1"))
        link = routed(f"/n/{node}/rec/abc")
        expect(f"/n/{node}/rec/abc (a recording link) reaches {node}", (link["at"], link["path"]), (f"{ip}:8080", "/rec/abc"))
        ws = routed(f"/n/{node}/janus-ws", {"Upgrade": "websocket", "Connection": "Upgrade",
                                             "Sec-WebSocket-Protocol": "janus-protocol"})
        expect(f"/n/{node}/janus-ws reaches {node}'s Janus as a WebSocket upgrade",
               (ws["at"], ws["upgrade"], ws["protocol"]), (f"{ip}:8188", "websocket", "janus-protocol"))

    expect("an unknown node is 404", ask(https_port, "/n/node-z/")[0], 404)
    expect("a path outside /n/ is 404", ask(https_port, "/janus-ws")[0], 404)
    status, headers, _ = ask(https_port, "/")
    expect("the bare name goes to the default node", (status, headers.get("Location", "").endswith("/n/node-a/")), (302, True))
    status, headers, _ = ask(http_port, "/n/node-a/", tls=False)
    expect("plain HTTP is redirected to HTTPS", (status, headers.get("Location", "")),
           (301, "https://counsel.example.org/n/node-a/"))


if __name__ == "__main__":
    main()
