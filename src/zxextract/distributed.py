"""The Dask engine: the same per-file work as the local engine (:func:`zxextract.batch.extract_one`) on a cluster.

Each worker process loads the pipeline once: ``extract_one`` takes it from a
per-process cache keyed by :class:`~zxextract.batch.Settings`.

Python API::

    from zxextract.distributed import records_bag
    bag = records_bag(["pages/"], npartitions=8)     # dask.bag of Article
    bag.map(lambda a: a.title).compute()

The command line (``--engine dask``) writes a folder: ``part-00000.jsonl``
... one file per partition (concatenated in name order they equal the local
engine's output for the same inputs) and ``errors.jsonl`` when an input
failed.  The client stages the run in ``OUTDIR.partial``:

* ``plan.json`` first: the partitions as ``[doc_id, path]`` lists and the
  settings that shape records, so a resume can tell whether it continues
  the same run;
* then, as each partition finishes, ``part-NNNNN.jsonl`` and
  ``errors-NNNNN.jsonl`` (even empty: written last, it marks the partition
  complete), each under a temporary name, fsynced and renamed.

At the end the per-partition errors are merged into ``errors.jsonl`` (only if
there are any), the plan and per-partition error files are removed and the
folder is swapped in for ``OUTDIR``, so a crash leaves the previous output
intact.  ``resume`` keeps the complete partitions without errors of a
staged run with the same plan and computes the others.  See docs/scale.md.
"""

from __future__ import annotations

import hashlib
import json
import math
import operator
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dask.bag as db
from distributed import Client, LocalCluster, as_completed

from .batch import (
    Outcome,
    RunError,
    Settings,
    Summary,
    article_json,
    error_json,
    extract_one,
    sync_dir,
    target_mode,
)
from .io import Source, discover, file_kind, printable

PARTITION_SIZE = 100  # pages per partition: bounds worker and client memory per task
PARTITIONS_PER_WORKER = 2  # at least this many, so a slow partition does not idle the others
PLAN = "plan.json"
MARKER = ".zxextract-output"  # in every folder this engine writes: only such a folder is ever replaced or removed
SCHEMES = ("tcp", "tls")  # what a scheduler address may start with (tls: see docs/scale.md)
DEFAULT_PORT = 8786
CONNECT_SECONDS = 30  # a scheduler that does not answer in this time is an error, not a hang
DEFAULT_SETTINGS = Settings()  # frozen, so one shared default is safe


class PlanMismatch(RunError):
    """``resume`` found a staged run of other inputs or settings: continuing it would mix two runs' records."""


def default_npartitions(pages: int, workers: int) -> int:
    """Partitions of about PARTITION_SIZE pages, but enough to keep every worker busy."""
    return max(1, min(pages, max(math.ceil(pages / PARTITION_SIZE), PARTITIONS_PER_WORKER * workers)))


def outcomes_bag(
    inputs: Iterable[str | Path] | Sequence[Source],
    settings: Settings = DEFAULT_SETTINGS,
    npartitions: int | None = None,
    send_bytes: bool = False,
) -> db.Bag:
    """A bag of :class:`~zxextract.batch.Outcome`, one per input page, in input order.

    ``inputs`` are paths (files, folders of ``*.txt``) or Sources.  With
    ``send_bytes`` the client reads the files and ships their bytes (for
    workers that do not share its file system; the bytes sit in the graph).
    """
    sources = _sources(inputs)
    return _bag(_partition(sources, npartitions or default_npartitions(len(sources), 1)), settings, send_bytes)


def records_bag(
    inputs: Iterable[str | Path] | Sequence[Source],
    settings: Settings = DEFAULT_SETTINGS,
    npartitions: int | None = None,
    send_bytes: bool = False,
) -> db.Bag:
    """A bag of :class:`~zxextract.records.Article`; failed inputs are left out (:func:`outcomes_bag` shows them)."""
    return outcomes_bag(inputs, settings, npartitions, send_bytes).map(operator.attrgetter("articles")).flatten()


def extract_to_dir(
    sources: Sequence[Source],
    outdir: Path,
    settings: Settings,
    client: Client,
    npartitions: int | None = None,
    send_bytes: bool = False,
    on_outcome: Callable[[Outcome], None] = lambda outcome: None,
    resume: bool = False,
    on_skipped: Callable[[int], None] = lambda pages: None,
) -> Summary:
    """Run on ``client``'s cluster; write one JSONL per partition and the errors into ``outdir`` (module docstring).

    With ``resume`` and a staged run of the same plan, only its missing or
    failed partitions are computed (``npartitions`` defaults to the staged
    run's); ``on_skipped`` gets the number of pages kept, before any outcome.
    A staged run of another plan raises :class:`PlanMismatch`.
    """
    outdir = check_output_folder(outdir)
    staging = outdir.with_name(outdir.name + ".partial")
    staged = _read_plan(staging) if resume else None
    if npartitions is None:  # a resume keeps the staged run's count: the cluster may have changed size
        workers = max(1, len(client.nthreads()))
        npartitions = len(staged["partitions"]) if staged is not None else default_npartitions(len(sources), workers)
    chunks = _partition(list(sources), npartitions)
    kept = _stage(staging, _plan(chunks, settings), staged)
    summary = Summary(
        files=len(sources),
        articles=sum(_count_lines(staging / _part(number)) for number in kept),
        skipped=sum(len(chunks[number]) for number in kept),
    )
    on_skipped(summary.skipped)
    errors: dict[int, list[str]] = {}  # only partitions computed now: kept ones have none
    todo = {number: chunk for number, chunk in enumerate(chunks) if number not in kept}
    for number, part in _finished_partitions(client, todo, settings, send_bytes):
        errors[number] = [error_json(o) for o in part if o.error is not None]
        _write_lines(staging / _part(number), (article_json(a) for o in part for a in o.articles))
        _write_lines(staging / _errors(number), errors[number])  # last: it marks the partition complete
        sync_dir(staging)
        for outcome in part:
            summary.add(outcome)
            on_outcome(outcome)
    _finish(staging, len(chunks), [line for number in sorted(errors) for line in errors[number]])
    _swap(staging, outdir)
    return summary


def connect(scheduler: str | None, workers: int) -> Client:
    """A client of the scheduler at ``scheduler``, or of a new LocalCluster with ``workers`` single-threaded processes.

    An address that is not a scheduler (:func:`check_scheduler_address`), or
    one that does not answer within CONNECT_SECONDS, is a :class:`RunError`.
    """
    if not scheduler:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
        return Client(cluster)
    address = check_scheduler_address(scheduler)
    try:
        return Client(address, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, MemoryError, ValueError, TypeError) as error:
        # MemoryError: a server that is not a Dask scheduler answered with bytes read as a frame length
        raise RunError(f"cannot connect to a Dask scheduler at {address}: {type(error).__name__}: {error}") from None


def check_scheduler_address(address: str) -> str:
    """``address`` as SCHEME://HOST:PORT (tcp by default, port 8786 by default); ValueError says what is wrong."""
    text = address.strip()
    if "://" not in text:
        text = "tcp://" + text
    scheme, _, rest = text.partition("://")
    if scheme not in SCHEMES:
        raise ValueError(f"{address!r}: the scheme must be one of {', '.join(s + '://' for s in SCHEMES)}, not {scheme}://")
    try:
        parsed = urlsplit(f"//{rest}")
        port = parsed.port
    except ValueError as error:
        raise ValueError(f"{address!r}: {error}") from None
    host = parsed.hostname
    if not host or parsed.path not in ("", "/") or parsed.query or parsed.fragment or parsed.username or parsed.password:
        raise ValueError(f"{address!r} is not SCHEME://HOST:PORT (e.g. tcp://scheduler.example:8786)")
    if port == 0:
        raise ValueError(f"{address!r}: port 0 is not a scheduler's port")
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port or DEFAULT_PORT}"


def check_output_folder(outdir: Path) -> Path:
    """``outdir`` as an absolute path, once it is safe to replace: refuse what this engine did not write.

    An existing ``outdir``, ``outdir.partial`` or ``outdir.old`` must be
    empty or hold the MARKER (or, for staging, a plan) of an earlier run;
    the root folder and non-folders are refused. Raises :class:`RunError`.
    """
    outdir = Path(os.path.abspath(outdir))
    if outdir.parent == outdir:
        raise RunError(f"{outdir} is the root folder: choose a new folder for the output")
    for folder, evidence in (
        (outdir, (MARKER,)),
        (outdir.with_name(outdir.name + ".partial"), (MARKER, PLAN)),
        (outdir.with_name(outdir.name + ".old"), (MARKER,)),
    ):
        mode = target_mode(folder, follow=False)
        if mode is None:
            continue
        if not stat.S_ISDIR(mode):
            raise RunError(f"{printable(str(folder))} is {file_kind(mode)}, not a folder of this tool: refusing to replace it")
        try:
            ours = any((folder / name).exists() for name in evidence) or not any(os.scandir(folder))
        except OSError as error:
            raise RunError(f"cannot use {printable(str(folder))}: {error.strerror}") from None
        if not ours:
            raise RunError(
                f"{printable(str(folder))} exists and was not written by zxextract (no {MARKER} in it): "
                "refusing to replace it; choose a new folder or empty this one"
            )
    return outdir


def _sources(inputs: Iterable[str | Path] | Sequence[Source]) -> list[Source]:
    items = list(inputs)
    if all(isinstance(item, Source) for item in items):
        return items  # type: ignore[return-value]
    return discover(str(item) for item in items)


def _partition(sources: list[Source], npartitions: int) -> list[list[Source]]:
    """``npartitions`` consecutive runs of sources of near-equal length (fewer if there are fewer sources)."""
    count = max(1, min(npartitions, len(sources)))
    return [sources[i * len(sources) // count : (i + 1) * len(sources) // count] for i in range(count)]


def _bag(chunks: list[list[Source]], settings: Settings, send_bytes: bool) -> db.Bag:
    """Outcomes of ``chunks``, one partition per chunk: from_sequence may make fewer partitions than asked, not with one item each."""
    if send_bytes:
        chunks = [[source.with_data() for source in chunk] for chunk in chunks]
    return db.from_sequence(chunks, npartitions=len(chunks)).flatten().map(extract_one, settings)


def _finished_partitions(
    client: Client, chunks: dict[int, list[Source]], settings: Settings, send_bytes: bool
) -> Iterator[tuple[int, list[Outcome]]]:
    """(partition number, its outcomes) for each of ``chunks`` (number → sources), as partitions finish."""
    if not chunks:
        return  # as_completed of nothing still wants a default client
    futures = client.compute(_bag(list(chunks.values()), settings, send_bytes).to_delayed())
    numbers = {future.key: number for number, future in zip(chunks, futures)}
    completed = as_completed(futures, with_results=True)
    del futures  # as_completed drops each future as it yields it; released, its result leaves the cluster
    for future, part in completed:
        future.release()
        yield numbers[future.key], part


def _plan(chunks: list[list[Source]], settings: Settings) -> dict[str, Any]:
    """What decides a run's part files, as JSON values: a staged run with an equal plan can be continued."""
    loader = settings.loader
    return {
        "settings": {
            "segmenter": settings.segmenter,
            "reference_date": settings.reference_date,
            "rules": [[path, _digest(path)] for path in settings.rules],  # an edited rules file is another run
            "loader": None if loader is None else f"{loader.__module__}.{loader.__qualname__}",
        },
        "partitions": [[[source.doc_id, printable(source.path)] for source in chunk] for chunk in chunks],
    }


def _digest(path: str) -> str | None:
    """SHA-256 of a rules file; None if only the workers can read it (Python API: the client may lack the path)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _read_plan(staging: Path) -> dict[str, Any] | None:
    """The staged run's plan; None without one (no staging folder, or one from before plans: a full run replaces it)."""
    try:
        return json.loads((staging / PLAN).read_bytes())
    except FileNotFoundError:
        return None


def _check_plan(staged: dict[str, Any], plan: dict[str, Any], staging: Path) -> None:
    """Refuse to continue a staged run whose records would not be this run's."""
    if staged["settings"] != plan["settings"]:
        difference = "different settings (--segmenter, --rules or a rules file's content)"
    elif _pages(staged) != _pages(plan):
        difference = "different inputs"
    elif staged["partitions"] != plan["partitions"]:
        difference = "a different --partitions"
    else:
        return
    raise PlanMismatch(f"cannot resume: {staging} holds an interrupted run with {difference}; run without --resume to start over")


def _pages(plan: dict[str, Any]) -> list[list[str]]:
    return [page for chunk in plan["partitions"] for page in chunk]


def _stage(staging: Path, plan: dict[str, Any], staged: dict[str, Any] | None) -> set[int]:
    """The partitions kept from the staged run (``staged`` is its plan, None to start over); ``staging`` then holds only them and the plan."""
    if staged is None:
        shutil.rmtree(staging, ignore_errors=True)  # check_output_folder vouched that it is ours
        staging.mkdir(parents=True)
        _write_lines(staging / MARKER, [])
        _write_lines(staging / PLAN, [json.dumps(plan, ensure_ascii=False)])
        return set()
    _check_plan(staged, plan, staging)
    kept = _complete_partitions(staging, len(plan["partitions"]))
    _keep_only(staging, kept)
    return kept


def _complete_partitions(staging: Path, count: int) -> set[int]:
    """Partitions whose part file and (written last) empty errors file are both in place: kept, not redone."""
    return {n for n in range(count) if (staging / _part(n)).is_file() and _is_empty(staging / _errors(n))}


def _keep_only(staging: Path, kept: set[int]) -> None:
    """Remove everything staged but the plan and the kept partitions: partial, failed, temporary or merged files."""
    keep = {PLAN, MARKER} | {_part(n) for n in kept} | {_errors(n) for n in kept}
    for path in staging.iterdir():
        if path.name not in keep:
            path.unlink()
    _write_lines(staging / MARKER, [])  # a staging folder from before markers gets one


def _finish(staging: Path, count: int, errors: list[str]) -> None:
    """Leave in ``staging`` only the output: the part files, and the merged errors if an input failed."""
    if errors:
        _write_lines(staging / "errors.jsonl", errors)
    for number in range(count):
        (staging / _errors(number)).unlink()
    (staging / PLAN).unlink()


def _part(number: int) -> str:
    return f"part-{number:05d}.jsonl"


def _errors(number: int) -> str:
    return f"errors-{number:05d}.jsonl"


def _is_empty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size == 0


def _count_lines(path: Path) -> int:
    with path.open("rb") as stream:
        return sum(block.count(b"\n") for block in iter(lambda: stream.read(1 << 20), b""))


def _write_lines(path: Path, lines: Iterable[str]) -> None:
    """Write ``path`` whole or not at all: a temporary file, fsynced, renamed over it."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as stream:
        for line in lines:
            stream.write(line.encode() + b"\n")
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)


def _swap(staging: Path, outdir: Path) -> None:
    """Put ``staging`` where ``outdir`` is: the old folder moves aside first and goes only once the new one is in place."""
    retired = outdir.with_name(outdir.name + ".old")
    shutil.rmtree(retired, ignore_errors=True)
    if outdir.exists():
        os.replace(outdir, retired)
    os.replace(staging, outdir)
    shutil.rmtree(retired, ignore_errors=True)
