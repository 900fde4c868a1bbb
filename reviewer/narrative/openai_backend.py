"""The LLM backend: the `openai` SDK against any OpenAI-compatible endpoint
(OpenAI, DeepSeek, Qwen, vLLM, Ollama, llama.cpp server).

Long narratives are split on Chinese sentence boundaries (langchain-text-splitters); each chunk
is one request with the facts it may cite.  Replies must be JSON claims; an invalid or truncated
reply is re-asked once.  Timeouts, 429 and 5xx are retried with backoff by the SDK; what still
fails raises BackendError and the report falls back to the heuristic.  Every call is logged and
cached by request hash (llmlog.py).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..config import Config, ConfigError, LLMSettings
from ..model import SUBJECT_DEPARTMENT, Report
from .errors import BackendError
from .claims import InvalidReply, parse_reply
from .endpoint import SharedEndpoint
from .facts import FactBook, Passage
from .llmlog import CallLog, endpoint_host
from .registry import register

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
PROMPT_FILES = ("narrative_review.system.j2", "narrative_review.user.j2", "narrative_review.repair.j2")


def settings_from(config: Config, **overrides) -> LLMSettings:
    """[llm] of the rules, then REVIEWER_LLM_* environment variables, then explicit overrides."""
    env = {"base_url": "REVIEWER_LLM_BASE_URL", "model": "REVIEWER_LLM_MODEL", "api_key": "REVIEWER_LLM_API_KEY",
           "cache": "REVIEWER_LLM_CACHE"}
    given = {key: os.environ[var] for key, var in env.items() if os.environ.get(var)}
    if not (given.get("api_key") or config.llm.api_key) and os.environ.get("OPENAI_API_KEY"):
        given["api_key"] = os.environ["OPENAI_API_KEY"]
    settings = replace(config.llm, **{**given, **{k: v for k, v in overrides.items() if v is not None}})
    if not settings.base_url or not settings.model:
        raise ConfigError("未配置大模型接口：请在 --config 文件的 [llm] 中设置 base_url 和 model，"
                          "或设置环境变量 REVIEWER_LLM_BASE_URL 和 REVIEWER_LLM_MODEL")
    return settings


@lru_cache(maxsize=1)
def _prompt_env() -> Environment:
    return Environment(loader=FileSystemLoader(str(PROMPTS)), undefined=StrictUndefined, trim_blocks=True,
                       lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)


@lru_cache(maxsize=1)
def prompt_version() -> str:
    digest = hashlib.sha256(b"".join((PROMPTS / f).read_bytes() for f in PROMPT_FILES)).hexdigest()[:8]
    return f"narrative_review/v1+{digest}"


def chunk_passages(passages: list[Passage], max_chars: int) -> list[list[Passage]]:
    """Passages in order, grouped so each chunk stays under max_chars; a long passage is split on
    Chinese sentence boundaries and its pieces keep the passage id."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter  # here: only an LLM review splits text

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=max(200, max_chars // 2), chunk_overlap=0, keep_separator="end",
        separators=["\n\n", "\n", "。", "；", "，", ""])
    pieces: list[Passage] = []
    for p in passages:
        if len(p.text) > max_chars // 2:
            pieces += [replace(p, text=t) for t in splitter.split_text(p.text)]
        else:
            pieces.append(p)
    chunks, current, size = [], [], 0
    for p in pieces:
        if current and size + len(p.text) > max_chars:
            chunks.append(current)
            current, size = [], 0
        current.append(p)
        size += len(p.text)
    if current:
        chunks.append(current)
    return chunks


class _Count:
    def __init__(self) -> None:
        self.value = 0


class Breaker:
    """A circuit breaker: after `after` consecutive failed requests (each already retried by the SDK) no more
    requests are sent, and every report falls back at once instead of waiting out the timeouts again."""

    def __init__(self, after: int, count=None) -> None:
        self.after = after
        self.count = count if count is not None else _Count()  # shared by a batch's processes, or this one's

    @property
    def open(self) -> bool:
        return self.after > 0 and self.count.value >= self.after

    def failed(self) -> None:
        self.count.value += 1  # a lost update between processes only delays the opening by one request

    def succeeded(self) -> None:
        self.count.value = 0


@register("openai")
def make(config: Config, settings: LLMSettings | None = None, use_cache: bool = True,
         shared: SharedEndpoint | None = None) -> OpenAIBackend:
    """The backend at the endpoint of `settings` (the rules' [llm] and the environment otherwise)."""
    return OpenAIBackend(settings or settings_from(config), use_cache=use_cache, shared=shared)


class OpenAIBackend:
    def __init__(self, settings: LLMSettings, use_cache: bool = True, shared: SharedEndpoint | None = None) -> None:
        """`shared`: what the processes of a batch share about the endpoint (None in a single process, where
        `concurrency` threads bound the requests and the backend counts its own failures)."""
        self.settings = settings
        self.name = settings.model
        self.prompt_version = prompt_version()
        self.use_cache = use_cache
        self.log = CallLog(settings.cache, secrets=[settings.api_key])
        import openai  # here, not at the top: the SDK takes half a second to import, and offline runs never need it

        self.api_error = openai.APIError
        self.client = openai.OpenAI(base_url=settings.base_url, api_key=settings.api_key or "not-needed",
                                    timeout=settings.timeout, max_retries=settings.max_retries)
        self.endpoint = endpoint_host(settings.base_url)
        self.breaker = Breaker(settings.breaker_after, shared.failures if shared else None)
        self.slots = shared.slots if shared else contextlib.nullcontext()
        self.last_stats: dict = {}
        self._lock = threading.Lock()

    def run(self, report: Report, facts: FactBook, passages: list[Passage]) -> list[dict]:
        chunks = chunk_passages(passages, self.settings.max_chars)
        self.last_stats = {"calls": 0, "cache_hits": 0, "tokens_in": 0, "tokens_out": 0, "cost": 0.0,
                           "seconds": 0.0, "chunks": len(chunks), "model": self.name,
                           "prompt_version": self.prompt_version}
        if not chunks:
            return []
        start = time.perf_counter()
        try:
            with ThreadPoolExecutor(max_workers=max(1, min(self.settings.concurrency, len(chunks)))) as pool:
                futures = [pool.submit(self._judge, report, facts, chunk, k + 1, len(chunks))
                           for k, chunk in enumerate(chunks)]
                results = [f.result() for f in futures]
        finally:
            self.last_stats["seconds"] = round(time.perf_counter() - start, 3)
        return [c for r in results for c in r]

    def messages(self, report: Report, facts: FactBook, chunk: list[Passage], k: int, n: int) -> list[dict]:
        subjects = {p.subject for p in chunk} | {SUBJECT_DEPARTMENT}
        env = _prompt_env()
        passages_json = json.dumps([{"id": p.id, "subject": p.subject, "label": p.label, "text": p.text}
                                    for p in chunk], ensure_ascii=False, indent=1)
        # the fence around the document text: made from that text, so the text cannot contain it
        fence = "DOC-" + hashlib.sha256(passages_json.encode()).hexdigest()[:16]
        user = env.get_template("narrative_review.user.j2").render(
            report=report.source, chunk=k, chunks=n, facts=[f for f in facts.facts if f.subject in subjects],
            passages_json=passages_json, fence=fence)
        system = env.get_template("narrative_review.system.j2").render(fence=fence)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def _judge(self, report: Report, facts: FactBook, chunk: list[Passage], k: int, n: int) -> list[dict]:
        messages = self.messages(report, facts, chunk, k, n)
        params = {"model": self.settings.model, "messages": messages, "temperature": 0,
                  "max_tokens": self.settings.max_tokens}
        if self.settings.json_mode:
            params["response_format"] = {"type": "json_object"}
        # the model and the request, not the host: a server moved to another port keeps its cache
        request_hash = hashlib.sha256(json.dumps(params, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        prompt_hash = hashlib.sha256(json.dumps(messages, ensure_ascii=False).encode()).hexdigest()[:16]
        common = {"request_hash": request_hash, "prompt_version": self.prompt_version, "prompt_hash": prompt_hash,
                  "model": self.settings.model, "endpoint": self.endpoint, "report": report.source, "chunk": f"{k}/{n}"}
        if self.use_cache and (hit := self.log.cached(request_hash)):
            self.log.record(**common, status="ok", reply=hit["reply"], from_cache=1)
            self._count(cache_hits=1)
            return parse_reply(hit["reply"])
        for attempt in (1, 2):
            if self.breaker.open:
                raise BackendError(f"接口已连续 {self.breaker.after} 次请求失败，本批其余报告不再调用")
            t0 = time.perf_counter()
            try:
                with self.slots:
                    resp = self.client.chat.completions.create(**params)
            except self.api_error as exc:
                ms = int((time.perf_counter() - t0) * 1000)
                self.log.record(**common, status="error", error=f"{type(exc).__name__}: {exc}"[:500], duration_ms=ms)
                self._count(calls=1)
                self.breaker.failed()
                raise BackendError(f"{type(exc).__name__}") from exc
            self.breaker.succeeded()
            ms = int((time.perf_counter() - t0) * 1000)
            choice = resp.choices[0] if resp.choices else None
            text = (choice.message.content if choice and choice.message else "") or ""
            usage = resp.usage
            tin, tout = (usage.prompt_tokens or 0, usage.completion_tokens or 0) if usage else (0, 0)
            self._count(calls=1, tokens_in=tin, tokens_out=tout)
            try:
                if choice is None or choice.finish_reason == "length":
                    raise InvalidReply("reply truncated (finish_reason=length)")
                claims = parse_reply(text)
            except InvalidReply as exc:
                self.log.record(**common, status="invalid", error=str(exc), reply=text, tokens_in=tin,
                                tokens_out=tout, duration_ms=ms)
                if attempt == 2:
                    raise BackendError(f"invalid reply after one re-ask: {exc}") from exc
                repair = _prompt_env().get_template("narrative_review.repair.j2").render(
                    problem=str(exc), truncated="truncated" in str(exc))
                params = {**params, "messages": messages + [{"role": "assistant", "content": text},
                                                            {"role": "user", "content": repair}]}
                continue
            self.log.record(**common, status="ok", reply=text, tokens_in=tin, tokens_out=tout, duration_ms=ms)
            return claims
        raise BackendError("unreachable")

    def _count(self, **kw) -> None:
        with self._lock:
            for k, v in kw.items():
                self.last_stats[k] = self.last_stats.get(k, 0) + v
            s = self.settings
            self.last_stats["cost"] = round(
                (self.last_stats["tokens_in"] * s.price_in + self.last_stats["tokens_out"] * s.price_out) / 1e6, 6)
