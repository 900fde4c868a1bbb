"""Robust z-scores: (x − median) / (1.4826 × MAD) per feature, within a peer group.

A peer group (department, region and year, or the whole corpus) is used only when it has at
least `min_group` values for the feature; otherwise the corpus, and when the corpus is too small,
the reference distributions shipped with the tool.  A floor on the scale keeps features that are
nearly constant (most execution rates are 100%) from turning small differences into huge z.
"""
from __future__ import annotations

import math

import pandas as pd

from .base import Detector

MAD_TO_SD = 1.4826


class RobustZ(Detector):
    """Fitted: `corpus_` (feature → median, scale, count over every row) and `peers_` ((group, feature) → the same
    within each peer group)."""

    def __init__(self, features: list[str], min_group: int = 8, floors: dict | None = None,
                 reference: dict | None = None) -> None:
        self.features = features
        self.min_group = min_group
        self.floors = floors or {}
        self.reference = reference or {}

    def _stats(self, s: pd.Series, feature: str) -> tuple[float, float, int]:
        s = s.dropna()
        if s.empty:
            return math.nan, math.nan, 0
        med = float(s.median())
        mad = float((s - med).abs().median()) * MAD_TO_SD
        return med, max(mad, self.floors.get(feature, 1e-9)), int(s.size)

    def fit(self, frame: pd.DataFrame, groups: pd.Series | None = None) -> RobustZ:
        self.corpus_: dict[str, tuple[float, float, int]] = {}
        self.peers_: dict[tuple[str, str], tuple[float, float, int]] = {}
        for f in self.features:
            self.corpus_[f] = self._stats(frame[f], f)
        if groups is not None and len(frame):
            # every group and feature at once: a loop over groups costs a pandas call per group and feature
            codes, names = pd.factorize(groups.astype(str).to_numpy(), sort=True)
            data = frame[self.features].reset_index(drop=True)[codes >= 0]  # no group: only the corpus baseline
            codes = codes[codes >= 0]
            by = data.groupby(codes, sort=True)
            med, n = by.median(), by.count()
            dev = (data - med.to_numpy()[codes]).abs()
            mad = dev.groupby(codes, sort=True).median() * MAD_TO_SD
            for f in self.features:
                floor = self.floors.get(f, 1e-9)
                for g, m, d, c in zip(names[med.index], med[f].to_numpy(), mad[f].to_numpy(), n[f].to_numpy()):
                    self.peers_[(str(g), f)] = (float(m), max(float(d), floor), int(c)) if c else (math.nan, math.nan, 0)
        self._fitted_on(frame, groups)
        return self

    def baseline(self, feature: str, group: str | None) -> tuple[float, float, str]:
        """(median, scale, where from) a feature in a group is scored against: the group's when it has enough rows,
        else the corpus', else the reference's.  What `decision_function` applies to each row, and what the corpus
        model asks of one project (stats.corpus.Baselines)."""
        self.check_fitted()
        if group is not None:
            med, scale, n = self.peers_.get((group, feature), (math.nan, math.nan, 0))
            if n >= self.min_group:
                return med, scale, f"group:{group}"
        med, scale, n = self.corpus_.get(feature, (math.nan, math.nan, 0))
        if n >= self.min_group:
            return med, scale, "corpus"
        ref = self.reference.get(feature)
        if ref:
            return ref["median"], max(ref["scale"], self.floors.get(feature, 1e-9)), "reference"
        return math.nan, math.nan, "none"

    def decision_function(self, frame: pd.DataFrame, groups: pd.Series | None = None) -> pd.DataFrame:
        """Each row's robust z per feature, against its own group's baseline (or the corpus', the reference's)."""
        keys = groups.astype(str).reindex(frame.index).tolist() if groups is not None else [None] * len(frame)
        out = {}
        for f in self.features:
            zs = []
            for key, x in zip(keys, frame[f].tolist()):
                med, scale, _ = self.baseline(f, key)
                zs.append((x - med) / scale if not (math.isnan(x) or math.isnan(med)) else math.nan)
            out[f] = zs
        return pd.DataFrame(out, index=frame.index)
