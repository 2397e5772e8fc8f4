"""Names and file references from campaign definitions: portable, and inside the project.

Campaign definitions come from NGO staff; a reference such as ``../../etc/passwd``,
``/home/x/logo.png`` or a link to a file outside the project must never be read,
and an identifier that becomes a folder name (campaign, group, locale) must work
on every system the output is copied to. Each function returns *why* something
is unacceptable (a sentence for an error message), or ``None``.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from .invisible import CONTROL

#: Names Windows reserves for devices, with or without an extension (``con``, ``aux.md``): its
#: documentation lists COM0-9 and LPT0-9 with the superscript digits ¹ ² ³ too (Windows reads
#: ``COM¹`` as ``COM1``), and the console's ``CONIN$`` and ``CONOUT$``.
RESERVED = frozenset(
    ["con", "prn", "aux", "nul", "conin$", "conout$"]
    + [f"{port}{digit}" for port in ("com", "lpt") for digit in "0123456789¹²³"]
)
#: Characters Windows (or Windows file sharing) does not allow in a file name.
_FORBIDDEN = set('<>:"|?*\\')
#: Longest file name most file systems accept, in bytes.
MAX_NAME_BYTES = 255


def name_problem(name: str) -> str | None:
    """Why ``name`` (one path component) is not a portable file name, or None."""
    if not name:
        return "is empty"
    if CONTROL.search(name):
        return "contains a control character"
    bad = sorted(set(name) & _FORBIDDEN)
    if bad:
        return f"contains {' '.join(bad)}, which Windows does not allow in file names"
    if name.endswith((".", " ")) and name not in (".", ".."):
        return "ends in a dot or a space, which Windows drops"
    if name.split(".", 1)[0].rstrip(" ").lower() in RESERVED:
        return "is a device name reserved on Windows (CON, PRN, AUX, NUL, CONIN$, CONOUT$, COM0-9, LPT0-9, COM¹-³, LPT¹-³)"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"is longer than {MAX_NAME_BYTES} bytes"
    return None


def reference_problem(base: Path, rel: str, root: Path) -> str | None:
    """Why the file reference ``rel`` (relative to folder ``base``) is unsafe, or None.

    Refused: absolute paths, ``..``, backslashes, names that are not portable, and
    symbolic links (anywhere along the path) that lead outside ``root``.
    """
    if CONTROL.search(rel):
        return "contains a control character; retype the path"
    if rel.startswith(("/", "\\", "~")) or PureWindowsPath(rel).drive or PureWindowsPath(rel).root:
        return "is an absolute path; give a path relative to the campaign folder, e.g. content/about.md"
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]+:", rel):  # FILE:///etc/passwd, data:…, https://… (C: is a drive, above)
        return "is a URL, not a file; give the path of a file inside the campaign folder, e.g. images/cover.png"
    if "\\" in rel:
        return "uses \\ between folders; use / (content/about.md), which works on every system"
    parts = PurePosixPath(rel).parts
    if ".." in parts:
        return "goes up out of the campaign folder with '..'; keep the file inside the campaign folder"
    for part in parts:
        why = name_problem(part)
        if why:
            return f"has a part '{part}' that {why}; rename it"
    target = resolved(base / rel)
    if target is None:
        return "is a symbolic link that cannot be followed (it loops); replace it with the file itself"
    if not target.is_relative_to(root.resolve()):
        return f"leads outside the project (a symbolic link to {target}); copy the file into the campaign folder"
    return None


def relative_problem(rel: str) -> str | None:
    """Why ``rel`` is not a plain relative path (portable names going down from a folder), or None.

    For paths read from toolbox's own files (a manifest), which anyone with access to
    the folder can change: no absolute path, drive letter, backslash, ``..`` or ``.``.
    """
    if not rel:
        return "is empty"
    if CONTROL.search(rel):
        return "contains a control character"
    if rel.startswith("/") or "\\" in rel or PureWindowsPath(rel).drive:
        return "is absolute, or uses \\ or a drive letter"
    for part in rel.split("/"):
        if part in ("", ".", ".."):
            return "has an empty, '.' or '..' part"
        why = name_problem(part)
        if why:
            return f"has a part {part[:80]!r} that {why}"
    return None


def resolved(path: Path) -> Path | None:
    """``path`` with every symbolic link followed, or None when a link loops or cannot be read."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: Python < 3.13 on a symbolic link loop
        return None


def inside(folder: Path, rel: str) -> Path | None:
    """``folder / rel`` if it stays inside ``folder`` (no absolute path, no '..', no link out), else None."""
    if not rel or CONTROL.search(rel) or rel.startswith("/") or "\\" in rel or PureWindowsPath(rel).drive:
        return None
    if ".." in PurePosixPath(rel).parts:
        return None
    target = folder / rel
    root, real = resolved(folder), resolved(target)
    if root is None or real is None or real == root or not real.is_relative_to(root):
        return None
    return target
