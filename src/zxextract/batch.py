"""Batch extraction: the per-file work shared by the local and Dask engines, and the local engine's output.

The local engine writes one JSONL file that is only ever replaced whole.
While a run is in progress (``OUT`` is the ``-o`` path):

* ``OUT.partial`` — the records so far, appended page by page;
* ``OUT.progress`` — the ledger: one JSON line per page whose records are
  complete in ``OUT.partial``: ``{"doc_id", "articles", "end"}``, ``end``
  being the size of ``OUT.partial`` after them (pages with zero articles are
  listed too, so a resume does not redo them);
* ``OUT.errors.partial`` — ``{"path", "error"}`` lines of failed inputs.

On success ``OUT.partial`` is fsynced and renamed over ``OUT`` (and the errors
file over ``OUT.errors``, or a stale ``OUT.errors`` removed), then the ledger
is deleted.  A crash or Ctrl-C leaves ``OUT`` as it was and the in-progress
files in place.  ``--resume`` continues from them: ledger entries are trusted
in order while their ``end`` fits in ``OUT.partial``, which is truncated to the
last trusted ``end`` (dropping a page cut off mid-write).  Without in-progress
files, ``--resume`` keeps the records of ``OUT`` and skips their doc_ids.
Failed inputs are never skipped: a resume retries them.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from .io import InputError, Source, file_kind, printable
from .records import Article
from .workers import DEFAULT_BUDGET, Budget, Lost, parallel_map, start_method

if TYPE_CHECKING:
    from .extractor import Extractor

IN_FLIGHT_PER_WORKER = 4  # pages queued per worker process: keeps workers busy and memory flat
LEDGER_FORMAT = 2  # the ledger's first line names its run: {"format", "plan"}


class RunError(Exception):
    """A problem that stops the whole run (unlike a bad page, which is reported and skipped)."""


class LoadError(RunError):
    """The pipeline itself could not be loaded: no page can be processed."""


@dataclass(frozen=True)
class Settings:
    """How each worker process builds its extractor; hashable, as it keys the per-process cache.

    ``loader`` defaults to :func:`zxextract.extractor.load`, imported only when
    needed (spaCy is slow to import) and called with ``freeze_gc=True``; a
    module-level function can replace it (a custom pipeline) and travels to
    worker processes by reference.
    """

    rules: tuple[str, ...] = ()
    segmenter: str = "pkuseg"
    loader: Callable[..., Extractor] | None = None
    home: str | None = None  # the districts' home province (load(home=...)); None: the pipeline's
    reference_date: str | None = None  # ISO day the pages were written: load(reference_date=), for 今年/去年


@cache
def extractor_for(settings: Settings) -> Extractor:
    """This process's extractor for ``settings``: loaded on first use, then reused (once per worker)."""
    loader = settings.loader
    extra: dict[str, Any] = {}
    if loader is None:
        from .extractor import load

        loader = load
        extra["freeze_gc"] = True  # a worker process is ours: freeze the pipeline's objects (Extractor._settle)
    try:
        if settings.home is not None:
            extra["home"] = settings.home
        if settings.reference_date:
            extra["reference_date"] = settings.reference_date
        return loader(rules=list(settings.rules), segmenter=settings.segmenter, **extra)
    except Exception as error:
        raise LoadError(f"cannot load the pipeline: {type(error).__name__}: {error}") from error


@dataclass
class Outcome:
    """What became of one input: its articles, or why it failed."""

    doc_id: str
    path: str
    articles: list[Article] = field(default_factory=list)
    error: str | None = None


def extract_one(source: Source, settings: Settings) -> Outcome:
    """Read, decode and parse one page; a failure becomes the outcome's error, so one bad page cannot stop a batch."""
    extractor = extractor_for(settings)
    try:
        articles = extractor.parse(source.read(), doc_id=source.doc_id)
    except InputError as error:
        return Outcome(source.doc_id, source.path, error=error.reason)
    except Exception as error:  # a page that breaks the pipeline is reported, the batch goes on
        return Outcome(source.doc_id, source.path, error=f"{type(error).__name__}: {error}")
    return Outcome(source.doc_id, source.path, articles)


def article_json(article: Article) -> str:
    """One JSONL line (without newline) of the export."""
    return json.dumps(article.to_dict(), ensure_ascii=False)


def error_json(outcome: Outcome) -> str:
    """One line of the errors file."""
    return json.dumps({"path": printable(outcome.path), "error": outcome.error}, ensure_ascii=False)


@dataclass
class Summary:
    """Counts for the closing line on stderr."""

    files: int = 0
    articles: int = 0
    errors: int = 0
    empty: int = 0  # pages extracted with no article: not an error, but not to be lost silently
    skipped: int = 0  # inputs already done (--resume)

    def add(self, outcome: Outcome) -> None:
        """Count one processed input."""
        if outcome.error is not None:
            self.errors += 1
        elif not outcome.articles:
            self.empty += 1
        self.articles += len(outcome.articles)

    def line(self) -> str:
        """E.g. ``5 files, 38 articles, 0 errors, 1 page without articles``."""
        parts = [_count(self.files, "file"), _count(self.articles, "article"), _count(self.errors, "error")]
        parts.append(_count(self.empty, "page") + " without articles")
        if self.skipped:
            parts.append(f"{self.skipped} skipped as already done")
        return ", ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def outcomes(
    sources: Sequence[Source], settings: Settings, workers: int = 1, budget: Budget = DEFAULT_BUDGET
) -> Iterator[Outcome]:
    """Outcomes in input order, from ``workers`` worker processes (:mod:`zxextract.workers`).

    Where workers are forked, the pipeline is loaded here first and inherited
    (and even one worker is used: a page that kills its process or runs over
    ``budget`` is then one error, not the end of the run). Without fork, one
    worker means this process; more are spawned and each loads the pipeline.
    """
    if start_method() == "fork":
        extractor = extractor_for(settings)  # a LoadError stops the run here, before any worker starts
        warm = getattr(extractor, "warm", None)  # a custom loader's extractor may not have it
        if warm is not None:
            warm()
    elif workers <= 1:
        for source in sources:
            yield extract_one(source, settings)
        return
    results = parallel_map(partial(extract_one, settings=settings), sources, workers, budget, IN_FLIGHT_PER_WORKER)
    for source, result in zip(sources, results):
        yield Outcome(source.doc_id, source.path, error=result.reason) if isinstance(result, Lost) else result


def plan_digest(sources: Sequence[Source], settings: Settings) -> str:
    """What decides a run's records: its inputs (doc_id and path, in order) and settings, as one SHA-256."""
    plan = {
        "inputs": [[printable(source.doc_id), printable(source.path)] for source in sources],
        "segmenter": settings.segmenter,
        "rules": [[path, _file_digest(path)] for path in settings.rules],
    }
    return hashlib.sha256(json.dumps(plan, ensure_ascii=False).encode()).hexdigest()


def _file_digest(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


class JsonlOutput:
    """The local engine's output file, replaced only whole, with a resumable run beside it (module docstring)."""

    def __init__(self, path: Path, resume: bool = False, plan: str | None = None) -> None:
        self.path = path
        self.plan = plan  # plan_digest of this run: a resume of another run's ledger is refused
        self.partial = _beside(path, ".partial")
        self.ledger_path = _beside(path, ".progress")
        self.errors_path = _beside(path, ".errors")
        self.errors_partial = _beside(path, ".errors.partial")
        self.resume = resume
        self.done: dict[str, int] = {}  # doc_id → articles, for pages whose records are in .partial
        self.errors = 0
        self._files = ExitStack()
        self._records: IO[bytes]
        self._ledger: IO[bytes]
        self._error_lines: IO[bytes]

    def __enter__(self) -> JsonlOutput:
        for path in (self.path, self.partial, self.ledger_path, self.errors_path, self.errors_partial):
            check_file_target(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if self.resume and self.partial.is_file() and self.ledger_path.is_file():
                self._continue_partial()
            else:
                self._records = self._open(self.partial, "wb")
                self._ledger = self._open(self.ledger_path, "wb")
                self._ledger.write(json.dumps({"format": LEDGER_FORMAT, "plan": self.plan}).encode() + b"\n")
                if self.resume and self.path.is_file():
                    self._keep_output()
            self._error_lines = self._open(self.errors_partial, "wb")
        except BaseException:
            self._files.close()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self._files.close()

    def _open(self, path: Path, mode: str) -> IO[bytes]:
        return self._files.enter_context(path.open(mode))

    @property
    def articles(self) -> int:
        """Records in the output so far (kept and new)."""
        return sum(self.done.values())

    def todo(self, sources: list[Source]) -> list[Source]:
        """The sources still to process: not done yet, or known bad (reported again)."""
        return [s for s in sources if s.problem is not None or s.doc_id not in self.done]

    def add(self, outcome: Outcome) -> None:
        """Append one input's records, or its error."""
        if outcome.error is not None:
            self._error_lines.write(error_json(outcome).encode() + b"\n")
            self._error_lines.flush()
            self.errors += 1
            return
        for article in outcome.articles:
            self._records.write(article_json(article).encode() + b"\n")
        self._records.flush()  # records before the ledger line that vouches for them
        self._note(outcome.doc_id, len(outcome.articles))

    def commit(self) -> None:
        """Replace the output (and errors file) with this run's, atomically each."""
        _sync(self._records)
        os.replace(self.partial, self.path)
        _sync(self._error_lines)
        if self.errors:
            os.replace(self.errors_partial, self.errors_path)
        else:
            self.errors_partial.unlink()
            self.errors_path.unlink(missing_ok=True)
        sync_dir(self.path.parent)
        self.ledger_path.unlink()

    def _note(self, doc_id: str, articles: int) -> None:
        self.done[doc_id] = articles
        entry = {"doc_id": doc_id, "articles": articles, "end": self._records.tell()}
        self._ledger.write(json.dumps(entry, ensure_ascii=False).encode() + b"\n")
        self._ledger.flush()

    def _continue_partial(self) -> None:
        """Trust the ledger while it matches .partial; cut both after the last trusted page."""
        size = self.partial.stat().st_size
        records_end = 0
        with self.ledger_path.open("rb") as ledger:
            self._check_header(ledger.readline())
            ledger_end = ledger.tell()
            for line in ledger:
                try:
                    entry = json.loads(line)
                    doc_id, articles, end = entry["doc_id"], entry["articles"], entry["end"]
                except (ValueError, KeyError, TypeError):
                    break  # a line cut off by the interruption
                if not line.endswith(b"\n") or not records_end <= end <= size:
                    break
                self.done[doc_id] = articles
                records_end, ledger_end = end, ledger_end + len(line)
        self._records = self._open(self.partial, "r+b")
        self._records.truncate(records_end)
        self._records.seek(records_end)
        self._ledger = self._open(self.ledger_path, "r+b")
        self._ledger.truncate(ledger_end)
        self._ledger.seek(ledger_end)

    def _check_header(self, line: bytes) -> None:
        """Refuse a ledger that is not this tool's, or that belongs to a run of other inputs or settings."""
        try:
            header = json.loads(line)
            known = isinstance(header, dict) and header.get("format") == LEDGER_FORMAT
        except ValueError:
            known = False
        if not known:
            raise RunError(
                f"cannot resume: {printable(str(self.ledger_path))} is not a progress ledger of this version; "
                "run without --resume to start over"
            )
        if header.get("plan") != self.plan:
            raise RunError(
                f"cannot resume: {printable(str(self.ledger_path))} is from a run with different inputs or settings "
                "(--segmenter, --rules); run without --resume to start over"
            )

    def _keep_output(self) -> None:
        """Start from the finished output: copy its records, note their doc_ids as done."""
        counts: dict[str, int] = {}
        with self.path.open("rb") as previous:
            for number, line in enumerate(previous, 1):
                try:
                    doc_id = json.loads(line)["doc_id"]
                except (ValueError, KeyError, TypeError):
                    raise RunError(f"{self.path}:{number}: not a record; cannot resume from this file") from None
                counts[doc_id] = counts.get(doc_id, 0) + 1
                self._records.write(line if line.endswith(b"\n") else line + b"\n")
        self._records.flush()
        for doc_id, articles in counts.items():
            self._note(doc_id, articles)


class StdoutOutput:
    """``-o -``: records streamed to standard output as each page finishes (errors go to stderr only)."""

    def __init__(self, stream: IO[bytes] | None = None) -> None:
        self.stream = stream
        self.articles = 0
        self.errors = 0

    def __enter__(self) -> StdoutOutput:
        if self.stream is None:
            self.stream = sys.stdout.buffer
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        pass

    def todo(self, sources: list[Source]) -> list[Source]:
        return sources

    def add(self, outcome: Outcome) -> None:
        assert self.stream is not None
        if outcome.error is not None:
            self.errors += 1
            return
        self.stream.write(b"".join(article_json(article).encode() + b"\n" for article in outcome.articles))
        self.stream.flush()

    def commit(self) -> None:
        assert self.stream is not None
        self.stream.flush()


def target_mode(path: Path, follow: bool = True) -> int | None:
    """The file mode of an output target, None when there is nothing there; a :class:`RunError` when it cannot be read."""
    try:
        return (path.stat() if follow else path.lstat()).st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        raise RunError(f"cannot use {printable(str(path))}: {error.strerror}") from None


def check_file_target(path: Path) -> None:
    """Refuse to write over anything but a regular file: a folder, a device (``/dev/null``), a FIFO or a socket."""
    mode = target_mode(path)
    if mode is not None and not stat.S_ISREG(mode):
        raise RunError(f"{printable(str(path))} is {file_kind(mode)}, not a regular file: refusing to write over it")


def extract_to_jsonl(
    sources: list[Source],
    output: JsonlOutput | StdoutOutput,
    settings: Settings,
    workers: int = 1,
    on_outcome: Callable[[Outcome], None] = lambda outcome: None,
    budget: Budget = DEFAULT_BUDGET,
) -> Summary:
    """The local engine: every source not already done goes through :func:`extract_one` into ``output``."""
    todo = output.todo(sources)
    summary = Summary(files=len(sources), articles=output.articles, skipped=len(sources) - len(todo))
    for outcome in outcomes(todo, settings, workers, budget):
        output.add(outcome)
        summary.add(outcome)
        on_outcome(outcome)
    output.commit()
    return summary


def _beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _sync(stream: IO[bytes]) -> None:
    stream.flush()
    os.fsync(stream.fileno())


def sync_dir(folder: Path) -> None:
    """Make the renames durable (POSIX: a rename lives in the directory's data)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
