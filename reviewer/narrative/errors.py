"""What a narrative backend raises when it cannot judge a report: the report then falls back to the heuristic."""


class BackendError(RuntimeError):
    """The backend could not judge this report (network, timeouts, invalid replies after a re-ask)."""
