"""What every detector is, in the manner of PyOD: its parameters are set in `__init__` and nothing is learnt there;
`fit(X, groups)` learns from a frame of features (one row per project) and sets the fitted attributes, whose names
end in `_`; `decision_function(X, groups)` scores rows, higher meaning more unusual, as a DataFrame indexed like X;
`decision_scores_` are the scores of the rows it was fitted on.

    det = RobustZ(features).fit(frame, groups)
    det.decision_scores_                         # the fitted rows' scores
    det.decision_function(other, other_groups)   # new rows against what was learnt
"""
from __future__ import annotations

import pandas as pd


class NotFittedError(RuntimeError):
    pass


class Detector:
    features: list[str]

    def fit(self, X: pd.DataFrame, groups: pd.Series | None = None) -> Detector:
        raise NotImplementedError

    def decision_function(self, X: pd.DataFrame, groups: pd.Series | None = None) -> pd.DataFrame:
        raise NotImplementedError

    @property
    def decision_scores_(self) -> pd.DataFrame:
        """The fitted rows' scores, worked out when first asked (a detector keeps only a reference to its rows)."""
        self.check_fitted()
        if getattr(self, "_scores", None) is None:
            self._scores = self.decision_function(self.X_, self.groups_)
        return self._scores

    def check_fitted(self) -> None:
        if not hasattr(self, "X_"):
            raise NotFittedError(f"{type(self).__name__} 尚未拟合：请先调用 fit")

    def _fitted_on(self, X: pd.DataFrame, groups: pd.Series | None) -> None:
        self.X_, self.groups_, self._scores = X, groups, None
