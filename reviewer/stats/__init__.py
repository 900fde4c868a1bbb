"""Corpus statistics: what is unusual relative to peers (corpus.py), from each project's features (features.py),
with robust z-scores and an IsolationForest (detectors/).

    frame = project_features(reports)             # a DataFrame users can export
    apply(reviews, config)                        # add/enrich stat findings, recompute risk
"""
from .corpus import Baselines, CorpusModel, apply, reference
from .features import project_features

__all__ = ["Baselines", "CorpusModel", "apply", "project_features", "reference"]
