"""The zxextract command: records out, errors isolated, output replaced atomically, runs resumable.

Most tests run the command in-process with the stand-in pipeline of
fakepipeline.py (its records depend on the page text, so they check what is
written); the tests marked "real pipeline" run the packaged one on the seeds.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fakepipeline import FakeExtractor, load_fake, read_jsonl

from zxextract import cli
from zxextract.batch import Settings, Summary, article_json

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SCHEMA_KEYS = {
    "doc_id", "index", "kind", "section", "title", "subtitle", "published", "source", "bylines", "spans", "text",
    "districts", "officials", "brands", "quantities", "dates", "documents",
}  # fmt: skip
PAGES = {
    "a.txt": "标题一\n正文一。\n\n标题二\n正文二。\n",
    "b.txt": "只有一段。\n",
    "sub/c.txt": "第三页\n\n第二段\n\n第三段\n",
}


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI builds its Settings with the stand-in pipeline."""
    monkeypatch.setattr(cli, "Settings", functools.partial(Settings, loader=load_fake))


def write_pages(folder: Path, pages: dict[str, str | bytes]) -> Path:
    for name, content in pages.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def expected(pages: dict[str, str]) -> list[str]:
    """The JSONL lines the stand-in pipeline gives for these pages, in this order."""
    fake = FakeExtractor([], "pkuseg")
    return [article_json(a) for doc_id, text in pages.items() for a in fake.parse(text, doc_id)]


def run(*args: str | Path, input: bytes | None = None) -> Result:
    return CliRunner().invoke(cli.main, [str(a) for a in args], input=input)


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(out.name + "."))


# --- real pipeline -----------------------------------------------------------


def test_seeds_one_line_per_article_with_schema_keys(tmp_path: Path) -> None:  # real pipeline
    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "zxextract", "extract", str(SEEDS), "-o", str(out)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    import zxextract

    extractor = zxextract.load()
    pages = sorted(SEEDS.glob("*.txt"))
    per_page = {p.name: len(extractor.parse(p.read_text(encoding="utf-8"), doc_id=p.name)) for p in pages}
    records = [json.loads(line) for line in read_jsonl(out)]
    assert len(records) == sum(per_page.values()) > 0
    assert all(set(r) == SCHEMA_KEYS for r in records)
    assert [(r["doc_id"], r["index"]) for r in records] == [(d, i) for d, n in per_page.items() for i in range(n)]
    empty = sum(1 for n in per_page.values() if n == 0)
    assert result.stderr.splitlines()[-1] == Summary(5, len(records), 0, empty).line()
    assert leftovers(out) == []


def test_python_m_reads_stdin(tmp_path: Path) -> None:  # real pipeline
    page = SEEDS / "002_7cdf4a5c27c15525.txt"
    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "zxextract", "extract", "-", "-o", str(out)],
        input=page.read_text(encoding="utf-8").encode("gb18030"), capture_output=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    import zxextract

    articles = zxextract.load().parse(page.read_text(encoding="utf-8"), doc_id="-")
    assert read_jsonl(out) == [article_json(a) for a in articles]


# --- records and doc_ids -------------------------------------------------------


def test_folder_records_in_order_with_relative_doc_ids(tmp_path: Path, fake: None) -> None:
    write_pages(tmp_path / "pages", PAGES)
    out = tmp_path / "out.jsonl"
    result = run("extract", tmp_path / "pages", "-o", out)
    assert result.exit_code == 0, result.output
    assert read_jsonl(out) == expected(PAGES)
    assert [json.loads(line)["doc_id"] for line in read_jsonl(out)] == ["a.txt", "a.txt", "b.txt", "sub/c.txt", "sub/c.txt", "sub/c.txt"]
    assert result.stderr.splitlines()[-1] == "3 files, 6 articles, 0 errors, 0 pages without articles"
    assert leftovers(out) == []


def test_file_arguments_use_their_names(tmp_path: Path, fake: None) -> None:
    folder = write_pages(tmp_path / "pages", PAGES)
    out = tmp_path / "out.jsonl"
    result = run("extract", folder / "sub" / "c.txt", folder / "a.txt", "-o", out)
    assert result.exit_code == 0
    assert read_jsonl(out) == expected({"c.txt": PAGES["sub/c.txt"], "a.txt": PAGES["a.txt"]})


def test_stdin_dash(tmp_path: Path, fake: None) -> None:
    out = tmp_path / "out.jsonl"
    result = run("extract", "-", "-o", out, input=PAGES["a.txt"].encode("gb18030"))
    assert result.exit_code == 0
    assert read_jsonl(out) == expected({"-": PAGES["a.txt"]})
    assert result.stderr == "1 file, 2 articles, 0 errors, 0 pages without articles\n"  # one input: no progress bar


def test_page_without_articles_is_counted_not_an_error(tmp_path: Path, fake: None) -> None:
    write_pages(tmp_path / "pages", {"a.txt": PAGES["a.txt"], "blank.txt": " \n\n"})
    out = tmp_path / "out.jsonl"
    result = run("extract", tmp_path / "pages", "-o", out)
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == "2 files, 2 articles, 0 errors, 1 page without articles"
    assert not (tmp_path / "out.jsonl.errors").exists()


def test_two_workers_give_the_same_output(tmp_path: Path, fake: None) -> None:
    pages = {f"p{i:02d}.txt": f"第{i}页\n\n" * (i % 4 + 1) for i in range(30)}
    write_pages(tmp_path / "pages", pages)
    result = run("extract", tmp_path / "pages", "-o", tmp_path / "two.jsonl", "--workers", "2")
    assert result.exit_code == 0, result.output
    assert read_jsonl(tmp_path / "two.jsonl") == expected(pages)


@pytest.mark.parametrize(
    ("summary", "line"),
    [
        (Summary(5, 38, 0, 1), "5 files, 38 articles, 0 errors, 1 page without articles"),
        (Summary(1, 1, 1, 0, 3), "1 file, 1 article, 1 error, 0 pages without articles, 3 skipped as already done"),
    ],
)
def test_summary_line(summary: Summary, line: str) -> None:
    assert summary.line() == line


# --- errors ------------------------------------------------------------------------


def bad_folder(tmp_path: Path) -> Path:
    folder = write_pages(tmp_path / "pages", {**PAGES, "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "boom.txt": "BOOM", "empty.txt": b""})
    (folder / "unreadable.txt").symlink_to(folder / "gone.txt")
    return folder


def test_bad_files_are_reported_and_the_rest_comes_out(tmp_path: Path, fake: None) -> None:
    folder = bad_folder(tmp_path)
    out = tmp_path / "out.jsonl"
    result = run("extract", folder, "-o", out)
    assert result.exit_code == 1
    assert read_jsonl(out) == expected(PAGES)
    errors = [json.loads(line) for line in read_jsonl(tmp_path / "out.jsonl.errors")]
    assert errors == [
        {"path": str(folder / "binary.txt"), "error": "binary file (contains NUL bytes)"},
        {"path": str(folder / "boom.txt"), "error": "RuntimeError: boom"},
        {"path": str(folder / "unreadable.txt"), "error": "no such file"},
    ]
    reported = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert reported == [f"error: {e['path']}: {e['error']}" for e in errors]
    assert result.stderr.splitlines()[-1] == "7 files, 6 articles, 3 errors, 1 page without articles"  # the empty file
    assert leftovers(out) == ["out.jsonl.errors"]


def test_missing_argument_and_duplicate_doc_id_are_errors(tmp_path: Path, fake: None) -> None:
    folder = write_pages(tmp_path / "pages", PAGES)
    out = tmp_path / "out.jsonl"
    result = run("extract", folder / "a.txt", folder / "nope.txt", folder, "-o", out)
    assert result.exit_code == 1
    errors = [json.loads(line) for line in read_jsonl(tmp_path / "out.jsonl.errors")]
    assert errors == [
        {"path": str(folder / "nope.txt"), "error": "no such file"},
        {"path": str(folder / "a.txt"), "error": f"doc_id 'a.txt' already taken by {folder / 'a.txt'}"},
    ]
    assert read_jsonl(out) == expected(PAGES)


def test_clean_rerun_exits_0_and_removes_stale_errors(tmp_path: Path, fake: None) -> None:
    folder = bad_folder(tmp_path)
    out = tmp_path / "out.jsonl"
    assert run("extract", folder, "-o", out).exit_code == 1
    for name in ("binary.txt", "boom.txt", "empty.txt", "unreadable.txt"):
        (folder / name).unlink()
    result = run("extract", folder, "-o", out)
    assert result.exit_code == 0
    assert leftovers(out) == []


def test_pipeline_that_cannot_load_stops_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(rules: list[str], segmenter: str) -> FakeExtractor:
        raise ValueError("unknown rule types ['x']")

    monkeypatch.setattr(cli, "Settings", functools.partial(Settings, loader=broken))
    folder = write_pages(tmp_path / "pages", PAGES)
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    result = run("extract", folder, "-o", out)
    assert result.exit_code == 1
    assert "Error: cannot load the pipeline: ValueError: unknown rule types ['x']" in result.stderr
    assert out.read_text() == "previous\n"


@pytest.mark.parametrize(
    "args",
    [["--scheduler", "tcp://127.0.0.1:1"], ["--partitions", "3"], ["--send-bytes"]],
)
def test_options_that_need_another_engine(tmp_path: Path, args: list[str]) -> None:
    result = run("extract", tmp_path, "-o", tmp_path / "out.jsonl", *args)
    assert result.exit_code == 2
    assert not (tmp_path / "out.jsonl").exists()


# --- atomic output and resume --------------------------------------------------------------


def interrupted_run(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A run over 4 pages stopped by Ctrl-C while on the third; out.jsonl held a previous output."""
    pages = {"1.txt": "一\n\n二\n", "2.txt": "三\n", "3.txt": "CTRL-C\n", "4.txt": "四\n\n五\n"}
    folder = write_pages(tmp_path / "pages", pages)
    out = tmp_path / "out.jsonl"
    out.write_text("previous output\n")
    result = run("extract", folder, "-o", out)
    assert result.exit_code == 130
    assert result.stderr.splitlines()[-1] == f"interrupted; {out} is unchanged; rerun with --resume to continue"
    return folder, out, pages


def test_interrupt_leaves_previous_output_and_resumes(tmp_path: Path, fake: None) -> None:
    folder, out, pages = interrupted_run(tmp_path)
    assert out.read_text() == "previous output\n"
    assert leftovers(out) == ["out.jsonl.errors.partial", "out.jsonl.partial", "out.jsonl.progress"]
    assert read_jsonl(tmp_path / "out.jsonl.partial") == expected({k: pages[k] for k in ("1.txt", "2.txt")})
    pages["3.txt"] = "三又\n"
    (folder / "3.txt").write_text(pages["3.txt"])
    (folder / "1.txt").write_text("changed: must not be redone\n")
    result = run("extract", folder, "-o", out, "--resume")
    assert result.exit_code == 0, result.output
    assert read_jsonl(out) == expected(pages)
    assert result.stderr.splitlines()[-1] == "4 files, 6 articles, 0 errors, 0 pages without articles, 2 skipped as already done"
    assert leftovers(out) == []


def test_resume_drops_a_page_cut_off_mid_write(tmp_path: Path, fake: None) -> None:
    folder, out, pages = interrupted_run(tmp_path)
    (folder / "3.txt").write_text(pages["3.txt"].replace("CTRL-C", "六"))
    pages["3.txt"] = (folder / "3.txt").read_text()
    with (tmp_path / "out.jsonl.partial").open("ab") as partial:
        partial.write(b'{"doc_id": "3.txt", "ind')  # records of 3.txt half written ...
    with (tmp_path / "out.jsonl.progress").open("ab") as ledger:
        ledger.write(b'{"doc_id": "3.txt", "articles": 1, "end": 9')  # ... and its ledger line too
    result = run("extract", folder, "-o", out, "--resume")
    assert result.exit_code == 0, result.output
    assert read_jsonl(out) == expected(pages)


def test_resume_trusts_no_ledger_entry_beyond_the_records(tmp_path: Path, fake: None) -> None:
    folder, out, pages = interrupted_run(tmp_path)
    (folder / "3.txt").write_text("三\n")
    pages["3.txt"] = "三\n"
    partial = tmp_path / "out.jsonl.partial"
    first_page = expected({"1.txt": pages["1.txt"]})
    partial.write_text("".join(line + "\n" for line in first_page), encoding="utf-8")  # 2.txt's records lost
    result = run("extract", folder, "-o", out, "--resume")
    assert result.exit_code == 0
    assert read_jsonl(out) == expected(pages)
    assert result.stderr.splitlines()[-1].endswith(", 1 skipped as already done")


def test_without_resume_an_interrupted_run_starts_over(tmp_path: Path, fake: None) -> None:
    folder, out, pages = interrupted_run(tmp_path)
    (folder / "3.txt").write_text("三\n")
    pages["3.txt"] = "三\n"
    (folder / "1.txt").write_text("新\n")
    pages["1.txt"] = "新\n"
    assert run("extract", folder, "-o", out).exit_code == 0
    assert read_jsonl(out) == expected(pages)


def test_resume_from_finished_output_keeps_its_records(tmp_path: Path, fake: None) -> None:
    folder = write_pages(tmp_path / "pages", {"a.txt": PAGES["a.txt"], "b.txt": PAGES["b.txt"]})
    out = tmp_path / "out.jsonl"
    assert run("extract", folder, "-o", out).exit_code == 0
    (folder / "a.txt").write_text("changed: kept records win\n")
    write_pages(folder, {"sub/c.txt": PAGES["sub/c.txt"]})
    result = run("extract", folder, "-o", out, "--resume")
    assert result.exit_code == 0
    assert read_jsonl(out) == expected(PAGES)
    assert result.stderr.splitlines()[-1] == "3 files, 6 articles, 0 errors, 0 pages without articles, 2 skipped as already done"


def test_resume_retries_failed_files(tmp_path: Path, fake: None) -> None:
    folder = write_pages(tmp_path / "pages", {"a.txt": PAGES["a.txt"], "b.txt": "BOOM"})
    out = tmp_path / "out.jsonl"
    assert run("extract", folder, "-o", out).exit_code == 1
    (folder / "b.txt").write_text(PAGES["b.txt"])
    result = run("extract", folder, "-o", out, "--resume")
    assert result.exit_code == 0
    assert read_jsonl(out) == expected({"a.txt": PAGES["a.txt"], "b.txt": PAGES["b.txt"]})
    assert leftovers(out) == []


def test_resume_refuses_an_output_that_is_not_records(tmp_path: Path, fake: None) -> None:
    folder = write_pages(tmp_path / "pages", PAGES)
    out = tmp_path / "out.jsonl"
    out.write_text('{"doc_id": "a.txt"}\nnot json\n')
    result = run("extract", folder, "-o", out, "--resume")
    assert result.exit_code == 1
    assert f"Error: {out}:2: not a record; cannot resume from this file" in result.stderr
    assert out.read_text() == '{"doc_id": "a.txt"}\nnot json\n'


def test_crash_while_writing_leaves_previous_output(tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def failing(article: object) -> str:
        calls.append(article)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return article_json(article)  # type: ignore[arg-type]

    monkeypatch.setattr("zxextract.batch.article_json", failing)
    crash_over_previous_output(tmp_path)
    assert read_jsonl(tmp_path / "out.jsonl.partial") == expected({"a.txt": PAGES["a.txt"]})


def crash_over_previous_output(tmp_path: Path) -> tuple[Path, Path]:
    """Run extract over an existing output while a failure is patched in: it fails with a message, the old output stays."""
    folder = write_pages(tmp_path / "pages", PAGES)
    out = tmp_path / "out.jsonl"
    out.write_text("previous output\n")
    result = run("extract", folder, "-o", out)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("Error: cannot write ")
    assert result.stderr.splitlines()[-1].endswith(f"; {out} is unchanged")
    assert out.read_text() == "previous output\n"
    return folder, out


def test_crash_at_the_rename_leaves_previous_output(tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_rename(source: object, target: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("zxextract.batch.os.replace", no_rename)
    folder, out = crash_over_previous_output(tmp_path)
    assert read_jsonl(tmp_path / "out.jsonl.partial") == expected(PAGES)  # complete: --resume only renames
    monkeypatch.undo()
    monkeypatch.setattr(cli, "Settings", functools.partial(Settings, loader=load_fake))
    result = run("extract", folder, "-o", out, "--resume")
    assert result.exit_code == 0
    assert read_jsonl(out) == expected(PAGES)
    assert result.stderr.splitlines()[-1].endswith("3 skipped as already done")


# --- evaluate ---------------------------------------------------------------------------


def test_evaluate_scores_an_export(tmp_path: Path) -> None:
    gold = ROOT / "tests" / "data" / "gold"
    pred = tmp_path / "pred.jsonl"
    pred.write_text("")
    result = run("evaluate", gold, "--pred", pred, "--errors", "documents")
    assert result.exit_code == 0, result.output
    from zxextract.evaluate import evaluate, format_errors, format_table

    scores = evaluate(gold, predictions=pred)
    assert result.stdout == format_table(scores) + "\n\n" + format_errors(scores, "documents") + "\n"


def no_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to load the pipeline fails the test: the command must refuse its arguments first."""

    def refuse(**options: object) -> None:
        raise AssertionError("the pipeline was loaded")

    monkeypatch.setattr("zxextract.extractor.load", refuse)


def test_evaluate_unknown_error_type_is_refused_before_the_pipeline_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    no_pipeline(monkeypatch)
    result = run("evaluate", ROOT / "tests" / "data" / "gold", "--pages", SEEDS, "--errors", "nonsense")
    assert result.exit_code == 2
    assert "'nonsense' is not one of" in result.stderr and "'districts'" in result.stderr


def test_evaluate_missing_pages_and_empty_gold_are_refused_before_the_pipeline_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_pipeline(monkeypatch)
    result = run("evaluate", ROOT / "tests" / "data" / "gold", "--pages", tmp_path)
    assert result.exit_code == 1
    assert "page file(s) named by the gold not found" in result.stderr
    result = run("evaluate", tmp_path)
    assert result.exit_code == 2
    assert "holds no gold files" in result.stderr


@pytest.mark.parametrize(
    "args", [["extract", "seeds", "-o", "x.jsonl"], ["evaluate", "tests/data/gold"], ["render", "seeds/000_e12b081a13b428a1.txt", "-o", "x.html"]]
)
def test_bad_reference_date(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    no_pipeline(monkeypatch)
    monkeypatch.chdir(ROOT)
    result = run(*args, "--reference-date", "2025-02-30")
    assert result.exit_code == 2
    assert "'2025-02-30' is not a date YYYY-MM-DD" in result.stderr


@pytest.mark.parametrize("command", [[], ["extract"], ["evaluate"], ["render"]])
def test_short_help_with_examples(command: list[str]) -> None:
    result = run(*command, "-h")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    assert "Examples:\n  " in result.stdout
    assert f"zxextract {command[0] if command else ''}".strip() in result.stdout.split("Examples:")[1]


def test_extract_reference_date_gives_relative_dates_a_year(tmp_path: Path) -> None:  # real pipeline
    out = tmp_path / "page.jsonl"
    page = "今年3月，去年6月。\n".encode()
    result = run("extract", "-", "-o", out, "--segmenter", "char", "--reference-date", "2024-05-01", input=page)
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(d["year"], d["month"]) for d in record["dates"]] == [(2024, 3), (2023, 6)]


def test_render_reads_stdin_and_creates_the_output_folder(tmp_path: Path) -> None:  # real pipeline
    out = tmp_path / "new" / "folder" / "page.html"
    page = "南川区政协副主席舒茂全出席活动。\n"
    result = run("render", "-", "-o", out, "--segmenter", "char", input=page.encode("utf-8"))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "OFFICIAL" in html and "舒茂全" in html
    assert leftovers(out) == []


def test_render_to_a_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_pipeline(monkeypatch)
    result = run("render", SEEDS / "000_e12b081a13b428a1.txt", "-o", tmp_path)
    assert result.exit_code == 2
    assert "is a folder" in result.stderr
