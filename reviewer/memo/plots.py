"""Small static SVG charts, drawn by hand: no plotting library, no network, no scripts.

Every label is escaped, so document text (project names) cannot inject markup.
"""
from __future__ import annotations

import math
from html import escape

W, H = 520, 330
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 30, 46


def _frame(title: str, x_label: str, y_label: str, x_ticks, y_ticks, sx, sy) -> list[str]:
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" '
           f'font-family="sans-serif" font-size="11" role="img" aria-label="{escape(title)}">',
           f'<text x="{W / 2}" y="18" text-anchor="middle" font-size="13">{escape(title)}</text>',
           f'<rect x="{LEFT}" y="{TOP}" width="{W - LEFT - RIGHT}" height="{H - TOP - BOTTOM}" fill="none" stroke="#999"/>']
    for v, label in x_ticks:
        x = sx(v)
        out.append(f'<line x1="{x:.1f}" y1="{H - BOTTOM}" x2="{x:.1f}" y2="{H - BOTTOM + 4}" stroke="#999"/>')
        out.append(f'<text x="{x:.1f}" y="{H - BOTTOM + 16}" text-anchor="middle">{escape(label)}</text>')
    for v, label in y_ticks:
        y = sy(v)
        out.append(f'<line x1="{LEFT - 4}" y1="{y:.1f}" x2="{LEFT}" y2="{y:.1f}" stroke="#999"/>')
        out.append(f'<text x="{LEFT - 7}" y="{y + 4:.1f}" text-anchor="end">{escape(label)}</text>')
    out.append(f'<text x="{(LEFT + W - RIGHT) / 2}" y="{H - 8}" text-anchor="middle">{escape(x_label)}</text>')
    out.append(f'<text x="14" y="{(TOP + H - BOTTOM) / 2}" text-anchor="middle" '
               f'transform="rotate(-90 14 {(TOP + H - BOTTOM) / 2})">{escape(y_label)}</text>')
    return out


X_MAX, Y_MAX = 110.0, 100.0
POINTS_AT_MOST = 300  # a background of more points than this is drawn as a density grid: its size stays bounded
GRID = (22, 20)


def _sx(v: float) -> float:
    return LEFT + min(max(v, 0), X_MAX) / X_MAX * (W - LEFT - RIGHT)


def _sy(v: float) -> float:
    return H - BOTTOM - min(max(v, 0), Y_MAX) / Y_MAX * (H - TOP - BOTTOM)


def _drawable(points):
    return [p for p in points if not any(isinstance(v, float) and math.isnan(v) for v in p[:2])]


def background(points: list[tuple[float, float]]) -> str:
    """The batch behind every memo's own points, drawn once: grey dots, or, for a large batch, a grid of
    cells shaded by how many projects fall in each."""
    pts = _drawable(points)
    if len(pts) <= POINTS_AT_MOST:
        return "\n".join(f'<circle cx="{_sx(x):.1f}" cy="{_sy(y):.1f}" r="2.5" fill="#9e9e9e" fill-opacity="0.6"/>'
                         for x, y in sorted(pts))
    nx, ny = GRID
    counts: dict[tuple[int, int], int] = {}
    for x, y in pts:
        k = (min(nx - 1, int(min(max(x, 0), X_MAX) / X_MAX * nx)), min(ny - 1, int(min(max(y, 0), Y_MAX) / Y_MAX * ny)))
        counts[k] = counts.get(k, 0) + 1
    top = max(counts.values())
    cw, ch = (W - LEFT - RIGHT) / nx, (H - TOP - BOTTOM) / ny
    out = []
    for (i, j), c in sorted(counts.items()):
        shade = 0.12 + 0.78 * math.log1p(c) / math.log1p(top)
        out.append(f'<rect x="{LEFT + i * cw:.1f}" y="{H - BOTTOM - (j + 1) * ch:.1f}" width="{cw:.1f}" height="{ch:.1f}" '
                   f'fill="#757575" fill-opacity="{shade:.2f}"><title>{c} 个项目</title></rect>')
    return "\n".join(out)


def scatter(points: list[tuple[float, float, bool, str]], title: str, x_label: str, y_label: str,
            behind: str = "") -> str:
    """Points (x, y, highlighted, label) over a background drawn once for the batch (`behind`); the
    highlighted ones drawn last, in red."""
    ticks = [(v, f"{v:g}") for v in range(0, int(X_MAX) + 1, 20)]
    out = _frame(title, x_label, y_label, ticks, [(v, f"{v:g}") for v in range(0, int(Y_MAX) + 1, 20)], _sx, _sy)
    if behind:
        out.append(behind)
    out += _guides()
    for x, y, hi, label in sorted(_drawable(points), key=lambda p: p[2]):
        color, r = ("#c62828", 4.5) if hi else ("#9e9e9e", 2.5)
        out.append(f'<circle cx="{_sx(x):.1f}" cy="{_sy(y):.1f}" r="{r}" fill="{color}" fill-opacity="0.75">'
                   f'<title>{escape(label)}：执行率 {x:.1f}%，总分 {y:.2f}</title></circle>')
    out.append("</svg>")
    return "\n".join(out)


GUIDES = ((80.0, "执行率 80%"), (90.0, "90 分"))  # where a low execution and a high score begin to disagree


def _guides() -> list[str]:
    (x80, x_label), (y90, y_label) = GUIDES
    x, y = _sx(x80), _sy(y90)
    return [f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{H - BOTTOM}" stroke="#e57373" stroke-dasharray="4 3"/>',
            f'<text x="{x - 4:.1f}" y="{TOP + 12}" text-anchor="end" fill="#c62828">{escape(x_label)}</text>',
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" stroke="#e57373" stroke-dasharray="4 3"/>',
            f'<text x="{LEFT + 4}" y="{y - 4:.1f}" fill="#c62828">{escape(y_label)}</text>']


def histogram(values: list[float], title: str, x_label: str, lo: float = 0.0, hi: float = 100.0,
              bins: int = 10) -> str:
    counts = [0] * bins
    for v in values:
        k = min(bins - 1, max(0, int((v - lo) / (hi - lo) * bins)))
        counts[k] += 1
    top = max(counts + [1])
    sx = lambda v: LEFT + (v - lo) / (hi - lo) * (W - LEFT - RIGHT)  # noqa: E731
    sy = lambda c: H - BOTTOM - c / top * (H - TOP - BOTTOM)  # noqa: E731
    step = max(1, math.ceil(top / 5))
    out = _frame(title, x_label, "报告数", [(v, f"{v:g}") for v in range(int(lo), int(hi) + 1, int((hi - lo) / 5))],
                 [(c, str(c)) for c in range(0, top + 1, step)], sx, sy)
    width = (W - LEFT - RIGHT) / bins
    for k, c in enumerate(counts):
        if c:
            x, y = sx(lo + k * (hi - lo) / bins), sy(c)
            out.append(f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{width - 2:.1f}" height="{H - BOTTOM - y:.1f}" '
                       f'fill="#5c6bc0"><title>{c}</title></rect>')
    out.append("</svg>")
    return "\n".join(out)


def bars(counts: dict[str, int], title: str, labels: dict[str, str] | None = None) -> str:
    """Horizontal bars, largest first."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    height = max(H, TOP + 22 * len(items) + 20)
    top = max([c for _, c in items] + [1])
    left = 200
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" width="{W}" height="{height}" '
           f'font-family="sans-serif" font-size="11" role="img" aria-label="{escape(title)}">',
           f'<text x="{W / 2}" y="18" text-anchor="middle" font-size="13">{escape(title)}</text>']
    for k, (code, c) in enumerate(items):
        y = TOP + 22 * k
        w = c / top * (W - left - 50)
        name = labels.get(code, code) if labels else code  # the Chinese label alone: it fits, and no key shows
        out.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{escape(name)}</text>')
        out.append(f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="15" fill="#26a69a"/>')
        out.append(f'<text x="{left + w + 4:.1f}" y="{y + 13}">{c}</text>')
    out.append("</svg>")
    return "\n".join(out)
