"""scikit-learn's IsolationForest over the feature matrix, with a fixed seed: same corpus, same scores.

Features are robust-scaled (median, IQR) and missing values set to the median, so the forest
sees comparable columns.  The score is the share of the corpus that looks more normal (0–1).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .base import Detector


class IForest(Detector):
    """Fitted: `center_` and `scale_` (the robust scaling of each feature), `model_` (the forest), and
    `decision_scores_` (iforest: the raw score; iforest_rank: the share of the fitted rows scoring at most as high)."""

    def __init__(self, features: list[str], n_estimators: int = 200, random_state: int = 0,
                 max_samples: int | str = "auto") -> None:
        self.features = features
        self.n_estimators = n_estimators
        self.random_state = random_state
        self.max_samples = max_samples

    @staticmethod
    def prepare() -> None:
        """Import scikit-learn now (a second or more), e.g. while a batch's workers are busy reading."""
        import sklearn.ensemble  # noqa: F401  (see fit)

    def _matrix(self, frame: pd.DataFrame) -> np.ndarray:
        x = (frame[self.features] - self.center_) / self.scale_
        return x.fillna(0.0).clip(-50, 50).to_numpy()

    def fit(self, frame: pd.DataFrame, groups=None) -> IForest:
        data = frame[self.features]
        self.center_ = data.median()
        iqr = data.quantile(0.75) - data.quantile(0.25)
        self.scale_ = iqr.where(iqr > 1e-9, data.std().where(data.std() > 1e-9, 1.0)).fillna(1.0)
        # imported here, not at the top: scikit-learn takes over a second to import, and every command
        # (reviewer extract, inspect) would pay it; only the corpus pass fits a forest
        from sklearn.ensemble import IsolationForest

        self.model_ = IsolationForest(n_estimators=self.n_estimators, random_state=self.random_state,
                                      max_samples=self.max_samples)
        x = self._matrix(frame)
        self.model_.fit(x)
        raw = -self.model_.score_samples(x)
        self.sorted_scores_ = np.sort(raw)
        self._fitted_on(frame, groups)
        self._scores = self._ranked(raw, frame.index)  # the fitted rows' scores come with the fit
        return self

    def decision_function(self, frame: pd.DataFrame, groups=None) -> pd.DataFrame:
        self.check_fitted()
        return self._ranked(-self.model_.score_samples(self._matrix(frame)), frame.index)

    def _ranked(self, raw: np.ndarray, index) -> pd.DataFrame:
        """Raw scores and their rank: the share of the fitted rows scoring at most as high."""
        rank = np.searchsorted(self.sorted_scores_, raw, side="right") / max(1, len(self.sorted_scores_))
        return pd.DataFrame({"iforest": raw, "iforest_rank": rank}, index=index)
