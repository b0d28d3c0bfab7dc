"""The ``zxextract`` command: extract pages to JSON Lines, evaluate against gold."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click
from tqdm import tqdm

from .batch import (
    JsonlOutput,
    Outcome,
    RunError,
    Settings,
    StdoutOutput,
    Summary,
    extract_to_jsonl,
    plan_digest,
)
from .io import MAX_BYTES, STDIN, Source, discover, printable
from .workers import Budget

EXIT_INTERRUPTED = 130  # the shell's code for SIGINT


@click.group()
@click.version_option(package_name="zxextract")
def main() -> None:
    """Typed records from OCR pages of Chinese CPPCC (政协) newspapers."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path),
              help="JSONL file (local engine; - for stdout) or folder of part files (dask engine).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option("--rules", multiple=True, type=click.Path(exists=True, dir_okay=False), help="JSONL rules file (repeatable).")
@click.option("--segmenter", type=click.Choice(["pkuseg", "char"]), default="pkuseg", show_default=True)
@click.option("--resume", is_flag=True,
              help="Continue an interrupted run: keep what it finished, redo the rest and failed pages "
                   "(local engine, with no interrupted run: keep OUT's records and skip their pages).")
@click.option("--max-file-size", type=click.FloatRange(min=0, min_open=True), default=MAX_BYTES / 2**20, show_default=True,
              metavar="MB", help="Larger input files are reported and skipped.")
@click.option("--page-timeout", type=click.FloatRange(min=0, min_open=True), default=Budget.seconds, show_default=True,
              metavar="SECONDS", help="Local engine: a page taking longer is reported and its worker replaced.")
@click.option("--page-memory", type=click.FloatRange(min=0, min_open=True), default=Budget.memory_mb, show_default=True,
              metavar="MB", help="Local engine (Linux): a page growing its worker by more is reported and its worker replaced.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler, tcp://HOST:PORT or tls://HOST:PORT (default: a LocalCluster of --workers processes).")
@click.option("--partitions", type=click.IntRange(min=1), help="Dask partitions (default: about 100 pages each).")
@click.option("--send-bytes", is_flag=True, help="Dask: read files on this machine and ship their bytes to the workers.")
def extract(
    paths: tuple[str, ...],
    out: Path,
    workers: int,
    rules: tuple[str, ...],
    segmenter: str,
    resume: bool,
    max_file_size: float,
    page_timeout: float,
    page_memory: float,
    engine: str,
    scheduler: str | None,
    partitions: int | None,
    send_bytes: bool,
) -> None:
    """Extract the articles of PATH... (files, folders of *.txt, - for stdin).

    Writes one Article JSON per line; inputs that cannot be read or parsed go
    to OUT.errors (dask: OUT/errors.jsonl) and stderr, and the exit status is 1.
    """
    to_stdout = str(out) == STDIN
    if engine == "local" and (scheduler or partitions or send_bytes):
        raise click.UsageError("--scheduler, --partitions and --send-bytes need --engine dask")
    if to_stdout and (engine == "dask" or resume):
        raise click.UsageError("-o - streams to stdout: only with the local engine and without --resume")
    if engine == "dask" and out.is_file():
        raise click.UsageError(f"{printable(str(out))} is a file; --engine dask writes a folder")
    if engine == "local" and not to_stdout and out.is_dir():
        raise click.UsageError(f"{printable(str(out))} is a folder; --engine local writes a JSONL file (or - for stdout)")
    if scheduler is not None:
        _check_scheduler(scheduler)
    sources = discover(paths, max_bytes=round(max_file_size * 2**20))
    settings = Settings(rules=tuple(str(Path(r).resolve()) for r in rules), segmenter=segmenter)
    budget = Budget(seconds=page_timeout, memory_mb=page_memory)
    shown = "stdout" if to_stdout else printable(str(out))
    with tqdm(total=len(sources), unit="page", file=sys.stderr, disable=len(sources) <= 1) as bar:

        def report(outcome: Outcome) -> None:
            bar.update()
            if outcome.error is not None:
                bar.write(f"error: {printable(outcome.path)}: {outcome.error}", file=sys.stderr)

        try:
            if to_stdout:
                with StdoutOutput() as stream:
                    summary = extract_to_jsonl(sources, stream, settings, workers, report, budget)
            elif engine == "local":
                with JsonlOutput(out, resume=resume, plan=plan_digest(sources, settings)) as output:
                    bar.update(len(sources) - len(output.todo(sources)))
                    summary = extract_to_jsonl(sources, output, settings, workers, report, budget)
            else:
                summary = _extract_dask(sources, out, settings, workers, scheduler, partitions, send_bytes, resume, report, bar.update)
        except KeyboardInterrupt:
            bar.close()
            click.echo(f"interrupted; {shown} is unchanged; rerun with --resume to continue", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except RunError as error:
            raise click.ClickException(str(error)) from None
        except OSError as error:  # disk full, a folder made read-only mid-run: the output is left as it was
            where = printable(str(error.filename)) if error.filename else shown
            raise click.ClickException(f"cannot write {where}: {error.strerror or error}; {shown} is unchanged") from None
    click.echo(summary.line(), err=True)
    sys.exit(1 if summary.errors else 0)


def _check_scheduler(address: str) -> None:
    """Refuse a --scheduler that is not SCHEME://HOST:PORT with a scheme Dask serves, before connecting."""
    try:
        from .distributed import check_scheduler_address
    except ImportError as error:
        raise click.ClickException(f"--engine dask needs the dask extra (pip install 'zxextract[dask]'): {error}") from None
    try:
        check_scheduler_address(address)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--scheduler") from None


def _extract_dask(
    sources: list[Source],
    out: Path,
    settings: Settings,
    workers: int,
    scheduler: str | None,
    partitions: int | None,
    send_bytes: bool,
    resume: bool,
    report: Callable[[Outcome], None],
    skipped: Callable[[int], None],
) -> Summary:
    """Import Dask only for this engine: it is an optional extra."""
    try:
        from .distributed import (
            PlanMismatch,
            check_output_folder,
            connect,
            extract_to_dir,
        )
    except ImportError as error:
        raise click.ClickException(f"--engine dask needs the dask extra (pip install 'zxextract[dask]'): {error}") from None
    check_output_folder(out)  # before a cluster is started for nothing
    with connect(scheduler, workers) as client:
        try:
            return extract_to_dir(sources, out, settings, client, partitions, send_bytes, report, resume=resume, on_skipped=skipped)
        except PlanMismatch as error:
            raise click.UsageError(str(error)) from None


@main.command()
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--pages", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of the pages the gold names (default: beside the gold files).")
@click.option("--pred", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Score this JSONL export instead of running the pipeline.")
@click.option("--errors", "error_type", metavar="TYPE", help="Also list false positives and negatives of TYPE (e.g. officials).")
@click.option("--rules", multiple=True, type=click.Path(exists=True, dir_okay=False), help="JSONL rules file (repeatable).")
@click.option("--segmenter", type=click.Choice(["pkuseg", "char"]), default="pkuseg", show_default=True)
def evaluate(gold_dir: Path, pages: Path | None, pred: Path | None, error_type: str | None, rules: tuple[str, ...], segmenter: str) -> None:
    """Score the pipeline (or --pred) against the gold files in GOLD_DIR."""
    from .evaluate import evaluate as score
    from .evaluate import format_errors, format_table

    if pred is not None and (rules or pages):
        raise click.UsageError("--pred scores a finished export; --rules and --pages apply to a pipeline run")
    extractor = None
    if pred is None:
        from .extractor import load

        extractor = load(rules=list(rules), segmenter=segmenter)
    try:
        scores = score(gold_dir, pages_dir=pages, predictions=pred, extractor=extractor)
        click.echo(format_table(scores))
        if error_type:
            click.echo()
            click.echo(format_errors(scores, error_type))
    except (FileNotFoundError, ValueError) as error:
        raise click.ClickException(str(error)) from None


@main.command()
@click.argument("page", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="HTML file to write.")
@click.option("--segmenter", type=click.Choice(["pkuseg", "char"]), default="pkuseg", show_default=True)
def render(page: Path, out: Path, segmenter: str) -> None:
    """Write PAGE's articles and entities as an HTML page (displaCy)."""
    from .extractor import load
    from .io import InputError, decode, read_bytes
    from .render import render_doc

    try:
        text = decode(read_bytes(page), str(page))
    except InputError as error:
        raise click.ClickException(f"{error.path}: {error.reason}") from None
    html = render_doc(load(segmenter=segmenter).nlp(text))
    partial = out.with_name(out.name + ".partial")
    partial.write_text(html, encoding="utf-8")
    partial.replace(out)
    click.echo(f"{page} -> {out}", err=True)
