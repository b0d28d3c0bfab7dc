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
failed.  The client writes them into ``OUTDIR.partial`` as partitions finish
and swaps it in for ``OUTDIR`` at the end, so a crash leaves the previous
output intact.  See docs/scale.md.
"""

from __future__ import annotations

import math
import operator
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import dask.bag as db
from distributed import Client, LocalCluster, as_completed

from .batch import Outcome, Settings, Summary, article_json, error_json, extract_one
from .io import Source, discover

PARTITION_SIZE = 100  # pages per partition: bounds worker and client memory per task
PARTITIONS_PER_WORKER = 2  # at least this many, so a slow partition does not idle the others


def default_npartitions(pages: int, workers: int) -> int:
    """Partitions of about PARTITION_SIZE pages, but enough to keep every worker busy."""
    return max(1, min(pages, max(math.ceil(pages / PARTITION_SIZE), PARTITIONS_PER_WORKER * workers)))


def outcomes_bag(
    inputs: Iterable[str | Path] | Sequence[Source],
    settings: Settings = Settings(),
    npartitions: int | None = None,
    send_bytes: bool = False,
) -> db.Bag:
    """A bag of :class:`~zxextract.batch.Outcome`, one per input page, in input order.

    ``inputs`` are paths (files, folders of ``*.txt``) or Sources.  With
    ``send_bytes`` the client reads the files and ships their bytes (for
    workers that do not share its file system; the bytes sit in the graph).
    """
    sources = _sources(inputs)
    if send_bytes:
        sources = [source.with_data() for source in sources]
    count = max(1, min(npartitions or default_npartitions(len(sources), 1), len(sources)))
    # from_sequence may make fewer partitions than asked; one item per chunk, flattened, gives exactly `count`
    chunks = [sources[i * len(sources) // count : (i + 1) * len(sources) // count] for i in range(count)]
    return db.from_sequence(chunks, npartitions=count).flatten().map(extract_one, settings)


def records_bag(
    inputs: Iterable[str | Path] | Sequence[Source],
    settings: Settings = Settings(),
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
) -> Summary:
    """Run on ``client``'s cluster; write one JSONL per partition and the errors into ``outdir`` (module docstring)."""
    workers = max(1, len(client.nthreads()))
    bag = outcomes_bag(sources, settings, npartitions or default_npartitions(len(sources), workers), send_bytes)
    staging = outdir.with_name(outdir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    summary = Summary(files=len(sources))
    errors: dict[int, list[str]] = {}
    futures = client.compute(bag.to_delayed())
    index = {future.key: number for number, future in enumerate(futures)}
    completed = as_completed(futures, with_results=True)
    del futures  # as_completed drops each future as it yields it; released, its result leaves the cluster
    for future, part in completed:
        number = index[future.key]
        _write_lines(staging / f"part-{number:05d}.jsonl", (article_json(a) for o in part for a in o.articles))
        errors[number] = [error_json(o) for o in part if o.error is not None]
        for outcome in part:
            summary.add(outcome)
            on_outcome(outcome)
        future.release()
    if summary.errors:
        _write_lines(staging / "errors.jsonl", (line for number in sorted(errors) for line in errors[number]))
    _swap(staging, outdir)
    return summary


def connect(scheduler: str | None, workers: int) -> Client:
    """A client of the scheduler at ``scheduler``, or of a new LocalCluster with ``workers`` single-threaded processes."""
    if scheduler:
        return Client(scheduler)
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    return Client(cluster)


def _sources(inputs: Iterable[str | Path] | Sequence[Source]) -> list[Source]:
    items = list(inputs)
    if all(isinstance(item, Source) for item in items):
        return items  # type: ignore[return-value]
    return discover(str(item) for item in items)


def _write_lines(path: Path, lines: Iterable[str]) -> None:
    with path.open("wb") as stream:
        for line in lines:
            stream.write(line.encode() + b"\n")
        stream.flush()
        os.fsync(stream.fileno())


def _swap(staging: Path, outdir: Path) -> None:
    """Put ``staging`` where ``outdir`` is: the old folder moves aside first and goes only once the new one is in place."""
    retired = outdir.with_name(outdir.name + ".old")
    shutil.rmtree(retired, ignore_errors=True)
    if outdir.exists():
        os.replace(outdir, retired)
    os.replace(staging, outdir)
    shutil.rmtree(retired, ignore_errors=True)
