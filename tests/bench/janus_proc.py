"""Starts Debian's Janus for one bench target through the tests' one launcher
(tests/support/janus.js, by its command line tests/support/janus_cli.js):
inside the bench's network namespace, only the WebSockets transport on
10.200.0.1, ICE pinned there, and a plugins folder holding just the plugin the
target needs. Optionally under valgrind's callgrind with instrumentation off
until instr(True). Also reads a process's CPU, RSS and UDP socket drops."""

import asyncio
import json
import os
import subprocess

JANUS_CLI = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support", "janus_cli.js")

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


class Janus:
    def __init__(self, plugin, plugin_so, keygen=None, callgrind=False, event_loops=0, http=False, phone_hash=None):
        """plugin: janus.plugin.<name>; plugin_so: its .so (the launcher finds
        a stock plugin by its name, counsel by COUNSEL_PLUGIN). event_loops > 0:
        that many static event loops, handles placed on them by the
        `loop_index` of their attach (allow_loop_indication); 0: Janus's
        default, a loop thread per handle. http: also Janus's HTTP API
        (http_url; what counsel-phone talks to); phone_hash: the counsel
        plugin's `phone` group with this service key hash."""
        self.plugin, self.callgrind = plugin, callgrind
        name = plugin.rsplit(".", 1)[1]
        self.options = {"plugins": [name], "admin": False, "callgrind": callgrind, "stopTimeoutMs": 120000,
                        "startTimeoutMs": 120000}
        if http:
            self.options["http"] = True
        if phone_hash:
            self.options["phone"] = {"number": "+49 30 1234567", "service_key_hash": phone_hash}
        if event_loops:
            self.options["general"] = {"event_loops": event_loops, "allow_loop_indication": True}
        if name == "videoroom":
            self.options["pluginConfigs"] = {plugin: {"general": {}}}
        self.env = dict(os.environ)
        if name == "counsel":
            self.env.update(COUNSEL_PLUGIN=os.path.abspath(plugin_so), COUNSEL_KEYGEN=os.path.abspath(keygen))
        self.proc = None

    async def start(self):
        self.proc = subprocess.Popen(["node", JANUS_CLI, json.dumps(self.options)], env=self.env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = await asyncio.get_running_loop().run_in_executor(None, self.proc.stdout.readline)
        if not line:
            self.proc.wait()
            raise RuntimeError(f"janus did not start ({self.proc.returncode}):\n{self.proc.stderr.read()}")
        started = json.loads(line)
        self.ws_url, self.pid, self.dir, self.log = started["ws_url"], started["pid"], started["dir"], started["log_path"]
        self.practitioner_key, self.cg_out = started["practitioner_key"], started["callgrind_out"]
        self.http_url = started["http_url"]
        return self

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

    def stop(self, keep=False, timeout_s=150):
        """Stops Janus (SIGKILL after 120 s) and, unless keep, removes its folder."""
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("stop keep\n" if keep else "stop\n")
                self.proc.stdin.close()
                self.proc.wait(timeout_s)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
