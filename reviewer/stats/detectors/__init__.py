"""Anomaly detectors, one per file, behind a tiny interface (PyOD style):

    det = RobustZ(features).fit(frame, groups)     # learn what is usual
    scores = det.score(frame, groups)              # DataFrame: one column per feature (or "iforest")
"""
from .iforest import IForest
from .robust_z import RobustZ

__all__ = ["RobustZ", "IForest"]
