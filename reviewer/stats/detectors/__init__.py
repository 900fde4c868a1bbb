"""Anomaly detectors, one per file, each a `Detector` (base.py) in the manner of PyOD:

    det = RobustZ(features).fit(frame, groups)     # learn what is usual (fitted attributes end in _)
    det.decision_scores_                           # the fitted rows' scores
    det.decision_function(other, groups)           # DataFrame: one column per feature (or iforest, iforest_rank)
"""
from .base import Detector, NotFittedError
from .iforest import IForest
from .robust_z import RobustZ

__all__ = ["Detector", "IForest", "NotFittedError", "RobustZ"]
