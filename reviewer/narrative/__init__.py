"""Narrative review: does the text agree with the figures?

review.py holds the one interface every backend sits behind (heuristic.py, the offline default; openai_backend.py,
any OpenAI-compatible endpoint); facts.py computes what a backend may cite, claims.py validates what it says,
injection.py masks what a document says to the reviewer, llmlog.py logs and caches every call.

    reviewer = make_narrative("heuristic", config)          # the offline default
    reviewer = make_narrative("openai", config, settings)   # any OpenAI-compatible endpoint
"""
from .errors import BackendError
from .review import NarrativeResult, NarrativeReviewer, make_narrative

__all__ = ["BackendError", "NarrativeResult", "NarrativeReviewer", "make_narrative"]
