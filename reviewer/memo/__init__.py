"""Writing it down: memos per report (Markdown, HTML, JSON) and the batch triage index."""
from .index import render_index_stream, summary_row
from .render import render_memo, render_memo_html, render_memo_md

__all__ = ["render_memo", "render_memo_md", "render_memo_html", "render_index_stream", "summary_row"]
