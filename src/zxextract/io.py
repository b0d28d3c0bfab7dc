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
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

STDIN = "-"
BINARY_CONTROL_RATIO = 0.05

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LEGACY = ("gb18030", "big5")
# C0 controls other than \t \n \v \f \r, and DEL; ESC counts too (no page uses it)
_CONTROL = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])


class InputError(Exception):
    """An input that cannot be used as a page; ``reason`` is meant for the person who gave it."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # the default pickles only args[0]; worker processes send these back to the parent
        return InputError, (self.path, self.reason)


@dataclass(frozen=True)
class Source:
    """One input page: where it comes from and the doc_id its records get.

    ``data`` holds bytes already read (stdin, or bytes shipped to a remote
    worker); otherwise ``path`` is read when the page is processed.
    ``problem`` is set for an input known to be unusable at discovery time
    (duplicate doc_id, folder without pages), so it is reported like any
    unreadable file instead of stopping the run.
    """

    doc_id: str
    path: str
    data: bytes | None = None
    problem: str | None = None

    def read(self) -> str:
        """The page's text; raises :class:`InputError`."""
        if self.problem is not None:
            raise InputError(self.path, self.problem)
        return decode(self.data if self.data is not None else read_bytes(self.path), self.path)

    def with_data(self) -> Source:
        """The same source with its bytes read now (to ship them to a worker without the file system)."""
        if self.data is not None or self.problem is not None:
            return self
        try:
            return Source(self.doc_id, self.path, read_bytes(self.path))
        except InputError as error:
            return Source(self.doc_id, self.path, problem=error.reason)


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, with OS errors turned into :class:`InputError`."""
    try:
        return Path(path).read_bytes()
    except IsADirectoryError:
        raise InputError(str(path), "is a directory") from None
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except PermissionError:
        raise InputError(str(path), "permission denied") from None
    except OSError as error:
        raise InputError(str(path), error.strerror or str(error)) from None


def decode(data: bytes, path: str = "<bytes>") -> str:
    """Text of a page's bytes, by the order in the module docstring; raises :class:`InputError`."""
    if not data:
        raise InputError(path, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as error:
                raise InputError(path, f"invalid {encoding.upper()} after its byte-order mark: {error.reason} at byte {error.start}") from None
            if not text:
                raise InputError(path, "empty file (only a byte-order mark)")
            return text
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


def discover(args: Iterable[str], stdin: BinaryIO | None = None) -> list[Source]:
    """Sources for command-line arguments, in argument order.

    A file's doc_id is its name; a folder contributes its ``*.txt`` files
    (recursively, sorted by path) with doc_ids relative to it; ``-`` reads
    standard input now (doc_id ``-``).  A doc_id already taken, or a folder
    with no page, becomes a Source with a ``problem``, so the run reports it.
    """
    sources: list[Source] = []
    for arg in args:
        if arg == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            sources.append(Source(STDIN, STDIN, stream.read()))
            continue
        root = Path(arg)
        if not root.is_dir():
            sources.append(Source(root.name, arg))
            continue
        pages = sorted((p for p in root.rglob("*.txt") if not p.is_dir()), key=lambda p: p.relative_to(root).parts)
        if not pages:
            sources.append(Source(root.name, arg, problem="folder contains no *.txt file"))
        sources.extend(Source(page.relative_to(root).as_posix(), str(page)) for page in pages)
    return _flag_duplicates(sources)


def _flag_duplicates(sources: list[Source]) -> list[Source]:
    """Keep the first source of each doc_id; later ones get a problem (their records would be indistinguishable)."""
    first: dict[str, str] = {}
    flagged = []
    for source in sources:
        if source.problem is None:
            if source.doc_id in first:
                source = Source(source.doc_id, source.path, problem=f"doc_id {source.doc_id!r} already taken by {first[source.doc_id]}")
            else:
                first[source.doc_id] = source.path
        flagged.append(source)
    return flagged
