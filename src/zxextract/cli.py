"""The ``zxextract`` command: extract pages to JSON Lines, evaluate against gold, render a page as HTML."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

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
from .evaluate import TYPES
from .io import MAX_BYTES, STDIN, Source, discover, printable
from .records import Article
from .workers import Budget

EXIT_INTERRUPTED = 130  # the shell's code for SIGINT
HOME_OPTION = click.option(
    "--home",
    metavar="PROVINCE",
    help="Province whose units ambiguous district names denote when a page names none (default 重庆市).",
)
CONTEXT = {"help_option_names": ["-h", "--help"]}  # subcommands inherit it
Command = TypeVar("Command", bound=Callable[..., Any])


# --- options every command that runs the pipeline shares ----------------------------------------------------------


def segmenter_option(command: Command) -> Command:
    return click.option(
        "--segmenter", type=click.Choice(["pkuseg", "char"]), default="pkuseg", show_default=True,
        help="Word segmenter: pkuseg (the trained model) or char (one token per character: about 3x faster, "
             "the same entities).",
    )(command)  # fmt: skip


def rules_option(command: Command) -> Command:
    return click.option(
        "--rules", multiple=True, type=click.Path(exists=True, dir_okay=False),
        help="JSON Lines file of rules added to the packaged ones (repeatable; see docs/extending.md).",
    )(command)  # fmt: skip


def _check_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


def reference_date_option(command: Command) -> Command:
    return click.option(
        "--reference-date", metavar="YYYY-MM-DD", callback=_check_date,
        help="The day the pages were written: resolves 今年, 去年 (this year, last year) to a year.",
    )(command)  # fmt: skip


def _writable(out: Path) -> Path:
    """``out``'s folder, created when missing; a clear error when ``out`` cannot be a file."""
    if out.is_dir():
        raise click.UsageError(f"{out} is a folder; give a file name")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise click.ClickException(f"cannot create the folder of {out}: {error.strerror}") from None
    return out


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="zxextract")
def main() -> None:
    """Typed records from OCR pages of Chinese CPPCC (政协) newspapers.

    \b
    Examples:
      zxextract extract seeds -o seeds.jsonl          # a folder of pages to JSON Lines
      cat page.txt | zxextract extract - -o page.jsonl
      zxextract evaluate tests/data/gold --pages seeds
      zxextract render seeds/000_e12b081a13b428a1.txt -o page.html
      zxextract COMMAND -h                            # the options of one command
    """


@main.command(
    epilog="""\b
Examples:
  zxextract extract seeds -o out/seeds.jsonl
  zxextract extract page.txt more_pages/ -o out.jsonl --workers 2 --segmenter char
  cat page.txt | zxextract extract - -o page.jsonl
  zxextract extract archive/ -o out.jsonl --resume         # after an interrupted run
  zxextract extract archive/ -o outdir --engine dask"""
)
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="JSONL file (local engine; - for stdout) or folder of part files (dask engine).",
)
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@rules_option
@segmenter_option
@reference_date_option
@HOME_OPTION
@click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted run: keep what it finished, redo the rest and failed pages "
    "(local engine, with no interrupted run: keep OUT's records and skip their pages).",
)
@click.option(
    "--max-file-size",
    type=click.FloatRange(min=0, min_open=True),
    default=MAX_BYTES / 2**20,
    show_default=True,
    metavar="MB",
    help="Larger input files are reported and skipped.",
)
@click.option(
    "--page-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=Budget.seconds,
    show_default=True,
    metavar="SECONDS",
    help="Local engine: a page taking longer is reported and its worker replaced.",
)
@click.option(
    "--page-memory",
    type=click.FloatRange(min=0, min_open=True),
    default=Budget.memory_mb,
    show_default=True,
    metavar="MB",
    help="Local engine (Linux): a page growing its worker by more is reported and its worker replaced.",
)
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Dask scheduler, tcp://HOST:PORT or tls://HOST:PORT (default: a LocalCluster of --workers processes).",
)
@click.option("--partitions", type=click.IntRange(min=1), help="Dask partitions (default: about 100 pages each).")
@click.option("--send-bytes", is_flag=True, help="Dask: read files on this machine and ship their bytes to the workers.")
def extract(
    paths: tuple[str, ...],
    out: Path,
    workers: int,
    rules: tuple[str, ...],
    segmenter: str,
    home: str | None,
    reference_date: str | None,
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
    settings = Settings(
        rules=tuple(str(Path(r).resolve()) for r in rules), segmenter=segmenter, reference_date=reference_date, home=home
    )
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
                summary = _extract_dask(
                    sources, out, settings, workers, scheduler, partitions, send_bytes, resume, report, bar.update
                )
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
            return extract_to_dir(
                sources, out, settings, client, partitions, send_bytes, report, resume=resume, on_skipped=skipped
            )
        except PlanMismatch as error:
            raise click.UsageError(str(error)) from None


class _LazyExtractor:
    """Loads the pipeline on first use, so that evaluate checks the gold and the pages before the slow load."""

    def __init__(self, **options: Any) -> None:
        self.options = options

    def pipe_pages(self, items: Iterable[tuple[str, str]]) -> Iterator[tuple[str, list[Article]]]:
        from .extractor import load

        return load(**self.options).pipe_pages(items)


@main.command(
    epilog="""\b
Examples:
  zxextract evaluate tests/data/gold --pages seeds
  zxextract evaluate tests/data/gold --pages seeds --errors officials --segmenter char
  zxextract evaluate tests/data/gold --pred seeds.jsonl     # score an export of `zxextract extract`"""
)
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--pages",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of the pages the gold names (default: beside the gold files).",
)
@click.option(
    "--pred",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Score this JSONL export instead of running the pipeline.",
)
@click.option(
    "--errors",
    "error_type",
    type=click.Choice(TYPES),
    metavar="TYPE",
    help=f"Also list the false positives and negatives of TYPE: {', '.join(TYPES)}.",
)
@rules_option
@segmenter_option
@reference_date_option
@HOME_OPTION
def evaluate(
    gold_dir: Path,
    pages: Path | None,
    pred: Path | None,
    error_type: str | None,
    rules: tuple[str, ...],
    segmenter: str,
    reference_date: str | None,
    home: str | None,
) -> None:
    """Score the pipeline (or a --pred export) against the gold files in GOLD_DIR.

    The gold names its pages; they are parsed from --pages (default: GOLD_DIR).
    """
    from .evaluate import evaluate as score
    from .evaluate import format_errors, format_table

    if pred is not None and (rules or pages or reference_date or home):
        raise click.UsageError(
            "--pred scores a finished export; --rules, --pages, --reference-date and --home apply to a pipeline run"
        )
    if not any(gold_dir.glob("*.json")):
        raise click.UsageError(f"{gold_dir} holds no gold files (*.json)")
    extractor = None
    if pred is None:
        extractor = _LazyExtractor(
            rules=list(rules), segmenter=segmenter, reference_date=reference_date, home=home, freeze_gc=True
        )
    try:
        scores = score(gold_dir, pages_dir=pages, predictions=pred, extractor=extractor)  # type: ignore[arg-type]
    except (FileNotFoundError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(format_table(scores))
    if error_type:
        click.echo()
        click.echo(format_errors(scores, error_type))


@main.command(
    epilog="""\b
Examples:
  zxextract render seeds/000_e12b081a13b428a1.txt -o page.html
  cat page.txt | zxextract render - -o html/page.html      # folders are created
  zxextract render page.txt -o - --segmenter char > page.html"""
)
@click.argument("page", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(allow_dash=True, path_type=Path),
    help="HTML file to write (its folder is created), - for stdout.",
)
@rules_option
@segmenter_option
@reference_date_option
@HOME_OPTION
def render(page: str, out: Path, rules: tuple[str, ...], segmenter: str, reference_date: str | None, home: str | None) -> None:
    """Write PAGE's articles and entities as an HTML page.

    PAGE - reads the page from stdin.
    """
    from .extractor import load
    from .io import InputError, decode, read_bytes
    from .render import render_doc

    to_stdout = str(out) == "-"
    if not to_stdout:
        _writable(out)
    try:
        data = sys.stdin.buffer.read() if page == "-" else read_bytes(page)
        text = decode(data, "<stdin>" if page == "-" else page)
    except InputError as error:
        raise click.ClickException(f"{error.path}: {error.reason}") from None
    html = render_doc(load(rules=list(rules), segmenter=segmenter, reference_date=reference_date, home=home).nlp(text))
    if to_stdout:
        click.echo(html, nl=False)
        return
    partial = out.with_name(out.name + ".partial")
    partial.write_text(html, encoding="utf-8")
    partial.replace(out)
    click.echo(f"{page} -> {out}", err=True)
