"""Every LLM call, logged in SQLite, and the cache of replies by request hash.

A re-run of a batch replays cached replies: it costs nothing and gives the same findings.
What is stored: the request hash (of the model and the request: the same question asked of the same model
anywhere hits the cache), prompt version and hash, model, endpoint host, tokens, duration, status and the
reply.  Never the API key, never request headers: every text is redacted of the configured key and of
anything shaped like a credential before it is written (an endpoint may quote the key in its error).
"""
from __future__ import annotations

import re
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_hash TEXT NOT NULL,
    prompt_version TEXT,
    prompt_hash TEXT,
    model TEXT,
    endpoint TEXT,
    report TEXT,
    chunk TEXT,
    tokens_in INTEGER DEFAULT 0,
    tokens_out INTEGER DEFAULT 0,
    duration_ms INTEGER DEFAULT 0,
    status TEXT,
    error TEXT,
    reply TEXT,
    from_cache INTEGER DEFAULT 0,
    created REAL
);
CREATE INDEX IF NOT EXISTS calls_request ON calls(request_hash, status);
"""


# what a secret looks like in an error message: a bearer token, an OpenAI-style key, an api_key=… pair
_SECRET_RE = re.compile(r"(?i)(bearer\s+)[\w.~+/=-]{6,}|\bsk-[\w-]{6,}|(api[_-]?key[\"']?\s*[:=]\s*[\"']?)[^\s\"',;]{6,}")
HIDDEN = "〔已隐去〕"


def redact(text: str, secrets=()) -> str:
    """`text` without the configured secrets and anything shaped like a credential."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, HIDDEN)
    return _SECRET_RE.sub(lambda m: (m.group(1) or m.group(2) or "") + HIDDEN, text)


def endpoint_host(base_url: str) -> str:
    """Only scheme, host and port of an endpoint are logged (a URL could carry credentials)."""
    u = urlparse(base_url or "")
    host = u.hostname or ""
    return f"{u.scheme}://{host}{':' + str(u.port) if u.port else ''}" if host else ""


class CallLog:
    def __init__(self, path: str | Path, secrets=()) -> None:
        self.path = Path(path)
        self.secrets = tuple(secrets)  # never written: every text field is redacted first
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def cached(self, request_hash: str) -> dict | None:
        with self._lock, self._connect() as db:
            row = db.execute(
                "SELECT reply, tokens_in, tokens_out FROM calls WHERE request_hash = ? AND status = 'ok' "
                "AND from_cache = 0 ORDER BY id DESC LIMIT 1", (request_hash,)).fetchone()
        return {"reply": row[0], "tokens_in": row[1], "tokens_out": row[2]} if row else None

    def record(self, **fields) -> None:
        fields.setdefault("created", time.time())
        fields = {k: redact(v, self.secrets) if isinstance(v, str) else v for k, v in fields.items()}
        cols = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        with self._lock, self._connect() as db:
            db.execute(f"INSERT INTO calls ({cols}) VALUES ({marks})", list(fields.values()))

    def rows(self) -> list[dict]:
        with self._lock, self._connect() as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute("SELECT * FROM calls ORDER BY id")]
