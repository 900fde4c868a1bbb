"""scikit-learn's IsolationForest over the feature matrix, with a fixed seed: same corpus, same scores.

Features are robust-scaled (median, IQR) and missing values set to the median, so the forest
sees comparable columns.  The score is the share of the corpus that looks more normal (0–1).
"""
from __future__ import annotations

import numpy as np
import pandas as pd


class IForest:
    def __init__(self, features: list[str], n_estimators: int = 200, random_state: int = 0,
                 max_samples: int | str = "auto") -> None:
        self.features = features
        self.n_estimators = n_estimators
        self.random_state = random_state
        self.max_samples = max_samples
        self.model = None  # sklearn.ensemble.IsolationForest once fitted
        self.center: pd.Series | None = None
        self.scale: pd.Series | None = None
        self.train_scores: np.ndarray | None = None

    @staticmethod
    def prepare() -> None:
        """Import scikit-learn now (a second or more), e.g. while a batch's workers are busy reading."""
        import sklearn.ensemble  # noqa: F401  (see fit)

    def _matrix(self, frame: pd.DataFrame) -> np.ndarray:
        x = (frame[self.features] - self.center) / self.scale
        return x.fillna(0.0).clip(-50, 50).to_numpy()

    def fit(self, frame: pd.DataFrame, groups=None) -> "IForest":
        data = frame[self.features]
        self.center = data.median()
        iqr = data.quantile(0.75) - data.quantile(0.25)
        self.scale = iqr.where(iqr > 1e-9, data.std().where(data.std() > 1e-9, 1.0)).fillna(1.0)
        # imported here, not at the top: scikit-learn takes over a second to import, and every command
        # (reviewer extract, inspect) would pay it; only the corpus pass fits a forest
        from sklearn.ensemble import IsolationForest

        self.model = IsolationForest(n_estimators=self.n_estimators, random_state=self.random_state,
                                     max_samples=self.max_samples)
        x = self._matrix(frame)
        self.model.fit(x)
        self.train_raw_ = -self.model.score_samples(x)
        self.train_scores = np.sort(self.train_raw_)
        return self

    def train_score(self, frame: pd.DataFrame) -> pd.DataFrame:
        """`score` of the frame the forest was fitted on, without scoring it again."""
        return self._ranked(self.train_raw_, frame.index)

    def score(self, frame: pd.DataFrame, groups=None) -> pd.DataFrame:
        return self._ranked(-self.model.score_samples(self._matrix(frame)), frame.index)

    def _ranked(self, raw: np.ndarray, index) -> pd.DataFrame:
        """Raw scores and their rank: the share of the training corpus scoring at most as high."""
        rank = np.searchsorted(self.train_scores, raw, side="right") / max(1, len(self.train_scores))
        return pd.DataFrame({"iforest": raw, "iforest_rank": rank}, index=index)
