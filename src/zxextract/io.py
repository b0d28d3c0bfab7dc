"""Input pages: find them, read them, decode them, or say plainly why not.

Decoding is strict, never lossy: a replacement character would silently
change the text that every span points into, so bytes that fit no encoding
below are an :class:`InputError`.  The order:

1. A byte-order mark decides: UTF-32, UTF-8 or UTF-16 (the mark is dropped).
2. Binary data (a NUL byte, or more than 5% control bytes) is refused.
3. Strict UTF-8.
4. The legacy Chinese encodings, strict: GB18030 (a superset of GBK and
   GB2312) and Big5.  Most GB text is also valid Big5 and vice versa, so when
   both decode, charset-normalizer (limited to these two) picks; GB18030
   when it cannot tell.

A very short GB18030 text can happen to be valid UTF-8 (``页`` is the bytes
of ``ҳ``) and is then read as UTF-8; a real page is long enough not to.
Other legacy encodings (Latin-1, Shift-JIS ...) are not guessed: for a
Chinese newspaper such a guess is mojibake, and an error says more.
UTF-16 without a BOM contains NUL bytes and is refused as binary.
The decoded text is kept as is (no newline translation), so spans index it.
"""

from __future__ import annotations

import codecs
import math
import os
import re
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

STDIN = "-"
BINARY_CONTROL_RATIO = 0.05
MAX_BYTES = 32 * 2**20  # per input file: a 10 MB page costs ~1.2 GB to parse, so 32 MB stays under the memory budget
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LEGACY = ("gb18030", "big5")
# C0 controls other than \t \n \v \f \r, and DEL; ESC counts too (no page uses it)
_CONTROL = bytes([*range(0x09), *range(0x0E, 0x20), 0x7F])


class InputError(Exception):
    """An input that cannot be used as a page; ``reason`` is meant for the person who gave it."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # the default pickles only args[0]; worker processes send these back to the parent
        return InputError, (self.path, self.reason)


def printable(name: str) -> str:
    """A file name as text that any terminal and JSON encoder takes: the OS's undecodable bytes and control characters as ``\\xNN``.

    Python gives names with bytes that are not UTF-8 as lone surrogates
    (surrogateescape); printed or written as UTF-8 they would raise.
    """
    try:
        raw = os.fsencode(name)
    except UnicodeError:
        raw = name.encode("utf-8", "surrogatepass")
    text = raw.decode("utf-8", "backslashreplace")
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, for a message: "a folder", "a FIFO", ..."""
    for test, kind in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


@dataclass(frozen=True)
class Source:
    """One input page: where it comes from and the doc_id its records get.

    ``data`` holds bytes already read (stdin, or bytes shipped to a remote
    worker); otherwise ``path`` is read when the page is processed.
    ``problem`` is set for an input known to be unusable at discovery time
    (duplicate doc_id, folder without pages, unreadable folder), so it is
    reported like any unreadable file instead of stopping the run.
    ``max_bytes`` caps the size read (None: no cap).
    """

    doc_id: str
    path: str
    data: bytes | None = None
    problem: str | None = None
    max_bytes: int | None = MAX_BYTES

    def read(self) -> str:
        """The page's text; raises :class:`InputError`."""
        if self.problem is not None:
            raise InputError(self.path, self.problem)
        data = self.data if self.data is not None else read_bytes(self.path, self.max_bytes)
        if self.max_bytes is not None and len(data) > self.max_bytes:
            raise InputError(self.path, _too_large(self.max_bytes))
        return decode(data, self.path)

    def with_data(self) -> Source:
        """The same source with its bytes read now (to ship them to a worker without the file system)."""
        if self.data is not None or self.problem is not None:
            return self
        try:
            return Source(self.doc_id, self.path, read_bytes(self.path, self.max_bytes), max_bytes=self.max_bytes)
        except InputError as error:
            return Source(self.doc_id, self.path, problem=error.reason)


def read_bytes(path: str | Path, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file, at most ``max_bytes`` of them; anything else is an :class:`InputError`.

    The file is opened without blocking (a FIFO would wait for a writer
    forever) and checked after opening, so a symlink to ``/dev/zero`` or a
    FIFO is refused, not read until memory runs out.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        raise InputError(str(path), "is a folder") from None
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except PermissionError:
        raise InputError(str(path), "permission denied") from None
    except OSError as error:
        raise InputError(str(path), error.strerror or str(error)) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(str(path), f"{file_kind(info.st_mode)}, not a regular file")
        if max_bytes is not None and info.st_size > max_bytes:
            raise InputError(str(path), _too_large(max_bytes))
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            return stream.read() if max_bytes is None else stream.read(max_bytes + 1)  # +1: a file that grew is caught
    except OSError as error:
        raise InputError(str(path), error.strerror or str(error)) from None
    finally:
        os.close(descriptor)


def _too_large(max_bytes: int) -> str:
    return f"larger than the size cap of {max_bytes:,} bytes (--max-file-size)"


def decode(data: bytes, path: str = "<bytes>") -> str:
    """Text of a page's bytes, by the order in the module docstring; raises :class:`InputError`."""
    if not data:
        return ""  # an empty page: no records, counted as a page without articles
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise InputError(
                    path, f"invalid {encoding.upper()} after its byte-order mark: {error.reason} at byte {error.start}"
                ) from None
    if b"\x00" in data:
        raise InputError(path, "binary file (contains NUL bytes)")
    if len(data) - len(data.translate(None, _CONTROL)) > BINARY_CONTROL_RATIO * len(data):
        raise InputError(path, "binary file (too many control bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        utf8_error = f"invalid UTF-8 byte 0x{data[error.start]:02x} at offset {error.start}"
    texts = {}
    for encoding in _LEGACY:
        try:
            texts[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            pass
    if not texts:
        raise InputError(path, f"not text in UTF-8, GB18030 or Big5 ({utf8_error})")
    if len(texts) == 1:
        return next(iter(texts.values()))
    return texts[_pick_legacy(data)]


def _pick_legacy(data: bytes) -> str:
    """GB18030 or Big5 for bytes valid in both: Big5 only when charset-normalizer finds it reads strictly better.

    On a tie (short texts) GB18030 wins: these papers are printed in simplified Chinese.
    """
    from charset_normalizer import from_bytes

    ranks = {match.encoding: (match.chaos, -match.coherence) for match in from_bytes(data, cp_isolation=list(_LEGACY))}
    return "big5" if "big5" in ranks and ranks["big5"] < ranks.get("gb18030", (math.inf,)) else "gb18030"


def discover(args: Iterable[str], stdin: BinaryIO | None = None, max_bytes: int | None = MAX_BYTES) -> list[Source]:
    """Sources for command-line arguments, in argument order.

    A file's doc_id is its name; a folder contributes its ``*.txt`` files
    (recursively, sorted by path; symlinked folders are not followed) with
    doc_ids relative to it; ``-`` reads standard input now (doc_id ``-``).
    A doc_id already taken, a folder with no page or a folder that cannot be
    listed becomes a Source with a ``problem``, so the run reports it.
    doc_ids are :func:`printable`; each Source's ``path`` is the OS's name.
    """
    sources: list[Source] = []
    for arg in args:
        if arg == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            data = stream.read() if max_bytes is None else stream.read(max_bytes + 1)
            sources.append(Source(STDIN, STDIN, data, max_bytes=max_bytes))
            continue
        root = Path(arg)
        if not root.is_dir():
            sources.append(Source(printable(root.name or arg), arg, max_bytes=max_bytes))
            continue
        found: list[tuple[tuple[str, ...], Source]] = []
        _walk(root, (), found, max_bytes)
        if not found:
            sources.append(Source(printable(root.name or arg), arg, problem="folder contains no *.txt file"))
        sources.extend(source for _, source in sorted(found, key=lambda pair: pair[0]))
    return _flag_duplicates(sources)


def _walk(folder: Path, parts: tuple[str, ...], found: list[tuple[tuple[str, ...], Source]], max_bytes: int | None) -> None:
    """Add the ``*.txt`` entries under ``folder`` to ``found``, keyed by their path parts; an unlistable folder is a problem Source."""
    try:
        entries = list(os.scandir(folder))
    except OSError as error:
        reason = "permission denied" if isinstance(error, PermissionError) else (error.strerror or str(error))
        doc_id = printable("/".join(parts) or folder.name)
        found.append((parts, Source(doc_id, str(folder), problem=f"cannot list this folder: {reason}")))
        return
    for entry in entries:
        inner = (*parts, entry.name)
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_folder = False
        if is_folder:
            _walk(Path(entry.path), inner, found, max_bytes)
        elif entry.name.endswith(".txt"):
            found.append((inner, Source(printable("/".join(inner)), entry.path, max_bytes=max_bytes)))


def _flag_duplicates(sources: list[Source]) -> list[Source]:
    """Keep the first source of each doc_id; later ones get a problem (their records would be indistinguishable)."""
    first: dict[str, str] = {}
    flagged = []
    for source in sources:
        if source.problem is None:
            if source.doc_id in first:
                taken = f"doc_id {source.doc_id!r} already taken by {printable(first[source.doc_id])}"
                source = Source(source.doc_id, source.path, problem=taken)
            else:
                first[source.doc_id] = source.path
        flagged.append(source)
    return flagged
