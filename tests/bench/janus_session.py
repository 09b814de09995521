"""The Janus API over WebSocket for Python peers (Debian's python3-websockets):
one Janus session, requests matched to answers by transaction, plugin events
queued per handle. Used by loadgen.py (the benchmarks) and by the phone
tests' aiortc peer (tests/e2e/phone/peer.py)."""

import asyncio
import json
import secrets
import time

import websockets


class JanusSession:
    def __init__(self, url, token=None):
        self.url, self.token = url, token
        self.ws = None
        self.session_id = None
        self._waiters = {}
        self.events = {}  # handle id -> asyncio.Queue of (data, jsep)

    async def open(self):
        self.ws = await websockets.connect(self.url, subprotocols=["janus-protocol"], max_size=None)
        self._reader = asyncio.create_task(self._read())
        self.session_id = (await self.call({"janus": "create"}))["data"]["id"]
        self._keepalive = asyncio.create_task(self._keep_alive())
        return self

    async def close(self):
        for task in (self._keepalive, self._reader):
            task.cancel()
        try:
            await self.ws.close()
        except Exception:
            pass

    async def _keep_alive(self):
        while True:
            await asyncio.sleep(20)
            await self.ws.send(json.dumps({"janus": "keepalive", "session_id": self.session_id, "transaction": "ka"}))

    async def _read(self):
        async for raw in self.ws:
            msg = json.loads(raw)
            kind = msg.get("janus")
            if kind in ("ack", "keepalive"):
                continue
            waiter = self._waiters.pop(msg.get("transaction"), None)
            if waiter and not waiter.done():
                waiter.set_result(msg)
                continue
            if kind == "event" and "sender" in msg:
                data = msg.get("plugindata", {}).get("data", {})
                self.events.setdefault(msg["sender"], asyncio.Queue()).put_nowait((data, msg.get("jsep")))

    async def call(self, body, timeout=30):
        transaction = secrets.token_hex(8)
        body = {**body, "transaction": transaction}
        if self.session_id is not None:
            body["session_id"] = self.session_id
        if self.token:
            body["token"] = self.token
        waiter = asyncio.get_running_loop().create_future()
        self._waiters[transaction] = waiter
        await self.ws.send(json.dumps(body))
        msg = await asyncio.wait_for(waiter, timeout)
        if msg.get("janus") == "error":
            raise RuntimeError(f"janus error {msg['error']}")
        return msg

    async def attach(self, plugin, loop_index=None):
        body = {"janus": "attach", "plugin": plugin}
        if loop_index is not None:  # Janus's static event loops (allow_loop_indication)
            body["loop_index"] = loop_index
        handle = (await self.call(body))["data"]["id"]
        self.events.setdefault(handle, asyncio.Queue())
        return handle

    async def message(self, handle, body, jsep=None, timeout=30):
        """A plugin request; its answer is the event with the same transaction."""
        req = {"janus": "message", "handle_id": handle, "body": body}
        if jsep:
            req["jsep"] = jsep
        msg = await self.call(req, timeout)
        data = msg.get("plugindata", {}).get("data", {})
        if data.get("error_code") or data.get("error"):
            raise RuntimeError(f"{body.get('request')}: {data}")
        return data, msg.get("jsep")

    async def next_event(self, handle, accept, timeout=30):
        queue = self.events.setdefault(handle, asyncio.Queue())
        deadline = time.monotonic() + timeout
        while True:
            data, jsep = await asyncio.wait_for(queue.get(), max(0.1, deadline - time.monotonic()))
            if accept(data, jsep):
                return data, jsep
