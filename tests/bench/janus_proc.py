"""Starts Debian's Janus for one bench target (inside the bench's network
namespace): a temporary folder with its own janus.jcfg, only the WebSockets
transport on 10.200.0.1, ICE pinned there, and a plugins folder holding just
the plugin the target needs. Optionally under valgrind's callgrind with
instrumentation off until instr(True)."""

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import websockets

JANUS_LIB = "/usr/lib/x86_64-linux-gnu/janus"
HOST_IP = os.environ.get("COUNSEL_E2E_HOST_IP", "10.200.0.1")
OTHER_TRANSPORTS = "libjanus_http.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so"


def free_port():
    with socket.socket() as s:
        s.bind((HOST_IP, 0))
        return s.getsockname()[1]


def proc_cpu_s(pid):
    """(user, system) CPU seconds of a process so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(") ", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def udp_drops(pids):
    """Datagrams the kernel dropped at each process's UDP sockets so far (its
    receive buffer was full: the process did not read fast enough), by pid,
    from /proc/net/udp{,6} of this network namespace."""
    owner = {}
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                except OSError:
                    continue
                if target.startswith("socket:["):
                    owner[target[8:-1]] = pid
        except OSError:
            pass
    drops = {pid: 0 for pid in pids}
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) >= 13 and fields[9] in owner:
                drops[owner[fields[9]]] += int(fields[12])
    return drops


def proc_rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def free_loopback_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Janus:
    def __init__(self, plugin, plugin_so, keygen=None, callgrind=False, event_loops=0, http=False, phone_hash=None):
        """event_loops > 0: that many static event loops, handles placed on
        them by the `loop_index` of their attach (allow_loop_indication);
        0: Janus's default, a loop thread per handle. http: also Janus's HTTP
        transport on 127.0.0.1 (http_url; what counsel-phone talks to);
        phone_hash: the counsel plugin's `phone` group with this service key hash."""
        self.plugin, self.callgrind = plugin, callgrind
        self.dir = tempfile.mkdtemp(prefix="counsel-bench-janus-")
        plugins = os.path.join(self.dir, "plugins")
        empty = os.path.join(self.dir, "empty")
        os.mkdir(plugins)
        os.mkdir(empty)
        os.symlink(plugin_so, os.path.join(plugins, os.path.basename(plugin_so)))
        self.port = free_port()
        self.log = os.path.join(self.dir, "janus.log")
        self.practitioner_key = None
        with open(os.path.join(self.dir, "janus.jcfg"), "w") as f:
            f.write(
                "general: {\n"
                f'\tconfigs_folder = "{self.dir}"\n\tplugins_folder = "{plugins}"\n'
                f'\ttransports_folder = "{JANUS_LIB}/transports"\n\tevents_folder = "{empty}"\n'
                f'\tloggers_folder = "{empty}"\n\tlog_to_stdout = false\n\tlog_to_file = "{self.log}"\n'
                "\tdebug_level = 4\n\tdebug_timestamps = true\n\tsession_timeout = 60\n\texit_on_dl_error = true\n"
                + (f"\tevent_loops = {event_loops}\n\tallow_loop_indication = true\n" if event_loops else "")
                + "}\n"
                f'media: {{\n}}\nnat: {{\n\tnice_debug = false\n\tice_enforce_list = "{HOST_IP}"\n}}\n'
                f'transports: {{\n\tdisable = "{OTHER_TRANSPORTS.replace("libjanus_http.so,", "") if http else OTHER_TRANSPORTS}"\n}}\n'
                'events: {\n\tbroadcast = false\n}\n'
            )
        self.http_port = free_loopback_port() if http else None
        if http:
            with open(os.path.join(self.dir, "janus.transport.http.jcfg"), "w") as f:
                f.write(f'general: {{\n\tjson = "compact"\n\tbase_path = "/janus"\n\thttp = true\n\tport = {self.http_port}\n'
                        '\tip = "127.0.0.1"\n\thttps = false\n}\nadmin: {\n\tadmin_http = false\n}\n')
        with open(os.path.join(self.dir, "janus.transport.websockets.jcfg"), "w") as f:
            f.write(f'general: {{\n\tjson = "compact"\n\tws = true\n\tws_port = {self.port}\n\tws_ip = "{HOST_IP}"\n}}\n')
        if plugin == "janus.plugin.counsel":
            creds = json.loads(subprocess.check_output([keygen, "--json"], text=True, timeout=60))
            self.practitioner_key = creds["key"]
            os.mkdir(os.path.join(self.dir, "rec"))
            with open(os.path.join(self.dir, "janus.plugin.counsel.jcfg"), "w") as f:
                f.write(
                    f'general: {{\n\tstate_db = "{self.dir}/counsel.db"\n\trec_dir = "{self.dir}/rec"\n}}\n'
                    f'practitioners = (\n\t{{ id = "bench"; key_hash = "{creds["key_hash"]}"; }}\n)\n'
                )
                if phone_hash:
                    f.write(f'phone: {{\n\tnumber = "+49 30 1234567"\n\tservice_key_hash = "{phone_hash}"\n}}\n')
        elif plugin == "janus.plugin.videoroom":
            with open(os.path.join(self.dir, "janus.plugin.videoroom.jcfg"), "w") as f:
                f.write("general: {\n}\n")

    @property
    def http_url(self):
        return f"http://127.0.0.1:{self.http_port}/janus"

    @property
    def ws_url(self):
        return f"ws://{HOST_IP}:{self.port}/"

    async def start(self, timeout_s=120):
        cmd = ["setpriv", "--pdeathsig", "KILL"]
        if self.callgrind:
            self.cg_out = os.path.join(self.dir, "callgrind.out")
            cmd += ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--dump-instr=no",
                    f"--callgrind-out-file={self.cg_out}"]
        cmd += ["/usr/bin/janus", "-C", os.path.join(self.dir, "janus.jcfg"), "-F", self.dir]
        out = open(os.path.join(self.dir, "stdout.log"), "w")
        self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=self.dir)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"janus exited ({self.proc.returncode}):\n{self.tail()}")
            try:
                async with websockets.connect(self.ws_url, subprotocols=["janus-protocol"]) as ws:
                    await ws.send(json.dumps({"janus": "info", "transaction": "info"}))
                    info = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if self.plugin not in info.get("plugins", {}):
                    raise RuntimeError(f"{self.plugin} not loaded:\n{self.tail()}")
                return self
            except (OSError, asyncio.TimeoutError):
                await asyncio.sleep(0.3)
        raise RuntimeError(f"janus did not start in {timeout_s} s:\n{self.tail()}")

    @property
    def pid(self):
        return self.proc.pid

    def instr(self, on):
        """Instrumentation on/off; off also dumps the profile at once (Janus may
        take longer to exit under valgrind than stop() waits)."""
        subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(self.pid)],
                       check=True, stdout=subprocess.DEVNULL, timeout=120)
        if not on:
            subprocess.run(["callgrind_control", "-d", str(self.pid)], check=True, stdout=subprocess.DEVNULL, timeout=120)

    def tail(self, lines=30):
        text = ""
        for name in ("stdout.log", "janus.log"):
            try:
                text += open(os.path.join(self.dir, name)).read()
            except OSError:
                pass
        return "\n".join(text.splitlines()[-lines:])

    def log_text(self):
        try:
            return open(self.log).read()
        except OSError:
            return ""

    def stop(self, keep=False, timeout_s=120):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)
