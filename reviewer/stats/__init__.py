"""Corpus statistics: what is unusual relative to peers (corpus.py), from each project's features (features.py),
with robust z-scores and an IsolationForest (detectors/).

    frame = project_features(reports)             # a DataFrame users can export
    model = CorpusModel(frame, config)             # fitted once per batch
    model.compare(rv)                             # one review's findings relative to its peers
"""
from .corpus import Baselines, CorpusModel, reference
from .features import project_features

__all__ = ["Baselines", "CorpusModel", "project_features", "reference"]
