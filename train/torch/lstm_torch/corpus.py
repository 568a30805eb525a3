"""Python files read as the extension's trainer reads them (src/data/corpus.ts): the same folders skipped, files over a
size cap, binary or not UTF-8 left out, CRLF made LF; split by file into training and validation; the training files
dealt to the processes of a distributed run so each reads a different shard."""
import hashlib
import os
from dataclasses import dataclass

import numpy as np

from .vocab import encode, normalize

SKIPPED_DIRS = {
    ".git", ".hg", ".svn", "node_modules", "venv", ".venv", "env", ".env", "site-packages", "dist-packages",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".tox", ".nox", "build", "dist",
}  # fmt: skip


@dataclass
class SourceFile:
    root: str
    relative: str
    codes: np.ndarray


def read_files(roots, max_file_bytes: int = 1 << 20):
    """Every readable .py file under the roots, in a fixed order, and how many were skipped and why."""
    files, skipped = [], {}
    for root in roots:
        root = os.path.abspath(root)
        for d, dirs, names in os.walk(root):
            dirs[:] = sorted(x for x in dirs if x not in SKIPPED_DIRS and not (d != root and os.path.exists(os.path.join(d, x, "pyvenv.cfg"))))
            for n in sorted(names):
                if not n.endswith(".py"):
                    continue
                p = os.path.join(d, n)
                if not os.path.isfile(p) or os.path.getsize(p) > max_file_bytes:
                    skipped["too large or not a file"] = skipped.get("too large or not a file", 0) + 1
                    continue
                with open(p, "rb") as f:
                    raw = f.read(max_file_bytes + 1)
                try:
                    if b"\0" in raw:
                        raise UnicodeError("binary")
                    text = raw.decode("utf-8")
                except UnicodeError:
                    skipped["binary or not UTF-8"] = skipped.get("binary or not UTF-8", 0) + 1
                    continue
                if text.strip():
                    files.append(SourceFile(root, os.path.relpath(p, root).replace(os.sep, "/"), encode(normalize(text))))
    return files, skipped


def split_by_file(files, share: float):
    """(train, validation): a file is held out when a hash of its path falls under the share, so every process and every
    later run agree without talking; at least one file is held out when there are two or more."""
    def h(f):
        return int(hashlib.sha1(f.relative.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF

    val = [f for f in files if h(f) < share]
    if not val and len(files) > 1:
        val = [min(files, key=h)]
    held = {id(f) for f in val}
    return [f for f in files if id(f) not in held], val


def shard(files, rank: int, world: int):
    """The training files this process reads: every world-th file by size, so the shards hold about as much text."""
    ordered = sorted(files, key=lambda f: (-len(f.codes), f.relative))
    return ordered[rank::world]


def stream(files) -> np.ndarray:
    """The files' codes end to end, a newline between them."""
    if not files:
        return np.zeros(0, dtype=np.uint8)
    nl = encode("\n")
    return np.concatenate([x for f in files for x in (f.codes, nl)])
