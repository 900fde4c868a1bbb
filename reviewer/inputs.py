"""What a batch is given: every path named or found, accounted for once.

    found = find_inputs(["corpus/", "extra.pdf"])
    found.reports       # the files to review, in order
    found.passed_over   # (path, why) of everything else: hidden, not a regular file, a broken link…

A folder is walked without following links to folders (a link loop cannot trap the walk); a folder that
cannot be listed, a broken link, a link loop, a named pipe or device is passed over with the reason, never
dropped in silence and never opened (opening a named pipe waits for a writer forever).  Hidden names and the
notes that sit beside reports (Markdown, JSON lines) are passed over as such.  A file named on the command
line is reviewed whatever its name.

`memo_folders` gives every report its own output folder: the file name made safe, and where two names would
meet (a b.txt and a_b.txt, s1/same.txt and s2/same.txt, A.txt and a.txt) or a name is one of the batch's own
files (summary.csv, index.html…), a short hash of its path appended.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

NOTES = (".md", ".jsonl")  # a folder's README or INDEX, synthetic labels: never a report
# what a terminal, a browser or a spreadsheet would act on rather than show: control characters (ESC sets a terminal's
# title, CR overwrites a line) and the marks that turn text round (U+202E makes "txt.exe" read "exe.txt"); tab and
# newline are text
_UNSHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """Text as a person reads it on any screen: each control or direction mark written out ("\\x1b", "\\u202e"),
    so that a crafted file name shows what it is instead of acting.  Every text output and the terminal use it."""
    if not isinstance(text, str) or not _UNSHOWN.search(text):
        return text
    return _UNSHOWN.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                        text)
_MAX_NAME_BYTES = 200  # a folder name stays within the file system's 255 bytes with its suffix


@dataclass
class Inputs:
    reports: list[Path] = field(default_factory=list)
    passed_over: list[tuple[str, str]] = field(default_factory=list)  # (path, why not reviewed)


def find_inputs(paths: Iterable[str | Path]) -> Inputs:
    found = Inputs()
    for p in map(Path, paths):
        why = _not_a_file(p, named=True)
        if why == "folder":
            _walk(p, found)
        elif why:
            found.passed_over.append((str(p), why))
        else:
            found.reports.append(p)
    return _once(found)


def _once(found: Inputs) -> Inputs:
    """A file reached twice (named twice, named and inside a named folder, or through a link) is reviewed once."""
    first: dict[tuple[int, int], Path] = {}
    reports = []
    for p in found.reports:
        try:
            st = p.stat()
        except OSError:  # gone since it was found: its reader says so
            reports.append(p)
            continue
        seen = first.setdefault((st.st_dev, st.st_ino), p)
        if seen is p:
            reports.append(p)
        else:
            found.passed_over.append((str(p), f"同一个文件已作为 {seen} 审核，不重复审核"))  # paths as found
    found.reports = reports
    return found


def _walk(top: Path, found: Inputs) -> None:
    def refused(err: OSError) -> None:
        where = shown(Path(err.filename)) if err.filename else top.name
        found.passed_over.append((where, f"无法打开文件夹（{os_reason(err)}），其中的文件未审核"))

    def shown(p: Path) -> str:  # as the user knows it: inside the folder they named
        return (Path(top.name) / p.relative_to(top)).as_posix()

    for dirpath, dirnames, filenames in os.walk(top, onerror=refused):
        here = Path(dirpath)
        for d in sorted(dirnames):
            if d.startswith("."):
                found.passed_over.append((shown(here / d), "隐藏文件夹，未进入"))
            elif (here / d).is_symlink():
                found.passed_over.append((shown(here / d), "指向文件夹的链接，未进入（以免重复或循环）"))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (here / d).is_symlink())
        for name in sorted(filenames):
            f = here / name
            if name.startswith("."):
                found.passed_over.append((shown(f), "隐藏文件，未审核"))
            elif f.suffix.lower() in NOTES:
                found.passed_over.append((shown(f), "说明或数据文件（Markdown、JSON Lines），不是报告"))
            elif why := _not_a_file(f):
                found.passed_over.append((shown(f), why))
            else:
                found.reports.append(f)


def _not_a_file(p: Path, named: bool = False) -> str:
    """Why `p` is not a file to read ("folder" for a folder), or "" — without opening it."""
    try:
        st = p.stat()
    except OSError as err:
        if p.is_symlink():
            return "链接循环，未审核" if err.errno == errno.ELOOP else "链接指向的文件不存在，未审核"
        return "文件不存在" if named else f"无法查看（{os_reason(err)}），未审核"
    if stat.S_ISDIR(st.st_mode):
        return "folder"
    if stat.S_ISREG(st.st_mode):
        return ""
    kind = "命名管道" if stat.S_ISFIFO(st.st_mode) else "套接字" if stat.S_ISSOCK(st.st_mode) else "设备文件"
    return f"不是普通文件（{kind}），未打开"


def os_reason(err: OSError) -> str:
    """A file system error in a user's words (无权访问, 不存在…)."""
    return {errno.EACCES: "无权访问", errno.EPERM: "无权访问", errno.ELOOP: "链接循环", errno.ENOENT: "不存在",
            errno.ENAMETOOLONG: "路径过长", errno.EISDIR: "是文件夹"}.get(err.errno, err.strerror or type(err).__name__)


def memo_folders(reports: list[Path], reserved: Iterable[str] = ()) -> dict[str, str]:
    """str(path) → the name of its output folder, unique within the batch and none of the `reserved` names
    (the batch's own files; see the module's text)."""
    safe = {str(p): _safe(p.name) for p in reports}
    seen: dict[str, int] = {}
    for name in safe.values():
        seen[name.casefold()] = seen.get(name.casefold(), 0) + 1
    reserved = {n.casefold() for n in reserved}
    out = {}
    for path, name in safe.items():
        key = name.casefold()
        if seen[key] > 1 or key in reserved:
            name = f"{name}-{hashlib.sha256(path.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"
        out[path] = name
    return out


def _safe(name: str) -> str:
    """A file name made safe for a folder: letters, digits and ._- kept, no leading dot, at most 200 bytes."""
    s = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name).lstrip(".") or "report"
    while len(s.encode("utf-8")) > _MAX_NAME_BYTES:
        s = s[:-1]
    return s


def find_reports(paths) -> list[Path]:
    """The files to review among `paths` and inside the folders among them (what is not a file to review, and why,
    is in `find_inputs(paths).passed_over`)."""
    return find_inputs(paths).reports
