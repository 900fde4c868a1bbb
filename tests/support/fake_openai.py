"""A small OpenAI-compatible HTTP server on 127.0.0.1 for tests: recorded replies and injected faults.

    server = FakeOpenAI(responder).start()     # server.base_url → http://127.0.0.1:PORT/v1
    server.script = ["429", "reply"]           # faults consumed one request at a time
    ...
    server.stop()

Actions: "reply" (the responder's JSON), "timeout" (sleep past the client's timeout, then reply),
"429", "500", "invalid_json", "truncated" (half a JSON, finish_reason "length"), "401_echo" (an error that
quotes the Authorization header), "hang" (hold the request past the client's timeout, then fail).
`default` is the action once the script is used up.
"""
from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAI:
    def __init__(self, responder=None, delay: float = 3.0, hold: float = 0.0) -> None:
        self.responder = responder or (lambda body: {"claims": []})
        self.hold = hold  # seconds each request is held open, so that overlapping requests overlap here
        self.in_flight = self.max_in_flight = 0
        self.script: list[str] = []
        self.default = "reply"
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self.delay = delay
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> "FakeOpenAI":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with fake._lock:
                    fake.requests.append(body)
                    fake.headers.append(dict(self.headers))
                    action = fake.script.pop(0) if fake.script else fake.default
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                try:
                    time.sleep(fake.hold)
                    self._answer(body, action)
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

            def _answer(self, body, action):
                if action == "timeout":
                    time.sleep(fake.delay)
                    action = "reply"
                if action == "401_echo":  # a server that quotes the credentials it was sent
                    auth = self.headers.get("Authorization", "")
                    self._send(401, {"error": {"message": f"Incorrect API key provided: {auth}", "type": "auth"}})
                    return
                if action == "hang":  # a dead endpoint: the connection is held past any client timeout
                    time.sleep(fake.delay)
                    self._send(500, {"error": {"message": "gave up", "type": "test"}})
                    return
                if action in ("429", "500"):
                    self._send(int(action), {"error": {"message": f"injected {action}", "type": "test"}},
                               {"retry-after-ms": "10"})
                    return
                content, finish = json.dumps(fake.responder(body), ensure_ascii=False), "stop"
                if action == "invalid_json":
                    content = "好的，以下是审核结果：{claims: [未完成"
                elif action == "truncated":
                    content, finish = content[: max(1, len(content) // 2)], "length"
                prompt = sum(len(m.get("content", "")) for m in body.get("messages", []))
                self._send(200, {
                    "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": body.get("model", ""),
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                 "finish_reason": finish}],
                    "usage": {"prompt_tokens": prompt // 2, "completion_tokens": len(content) // 2,
                              "total_tokens": prompt // 2 + len(content) // 2},
                })

            def _send(self, code, payload, headers=None):
                data = json.dumps(payload, ensure_ascii=False).encode()
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): nothing to answer

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()


def chunk_of(body: dict) -> tuple[str, list[str]]:
    """(report name, passage ids) of a narrative request, read back from the user message."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    report = re.search(r"报告：(\S+?)（", user).group(1)
    start = user.index("[", user.index("【待审核段落】"))
    end = user.rindex("]") + 1
    passages = json.loads(user[start:end])
    return report, [p["id"] for p in passages]


def recorded(replies: dict[str, list[dict]]):
    """A responder that answers each chunk with the recorded claims for its passages."""
    def respond(body: dict) -> dict:
        report, ids = chunk_of(body)
        return {"claims": [c for c in replies.get(report, []) if c["passage"] in ids]}
    return respond
