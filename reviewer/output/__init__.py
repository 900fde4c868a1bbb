"""Every file the tool writes, in one place: what `extract` writes (extraction.py), a report's memo folder
(memo_folder.py), the batch files (batch_files.py), what `eval` writes (evaluation.py), and how any file is
written (files.py: whole or not at all, the same bytes for the same content, no formula from a document's text).

The renderers (reviewer.memo) make the text of a memo or an index; only this package puts anything on disk.
"""
from .batch_files import BATCH_OUTPUTS, UNFINISHED, IssueList, mark_finished, mark_unfinished, write_batch_files
from .evaluation import write_baseline, write_eval
from .extraction import report_json, write_extraction
from .files import atomic_file, cell
from .memo_folder import write_review_files

__all__ = ["BATCH_OUTPUTS", "UNFINISHED", "IssueList", "atomic_file", "cell", "mark_finished", "mark_unfinished",
           "report_json", "write_baseline", "write_batch_files", "write_eval", "write_extraction",
           "write_review_files"]
