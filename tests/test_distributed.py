"""The Dask engine on a LocalCluster of 2 worker processes: the same records as the local engine, errors in errors.jsonl, runs resumable."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster
from fakepipeline import FAKE, FakeExtractor, load_fake, read_jsonl
from test_cli import PAGES, SEEDS, bad_folder, expected, run, write_pages

from zxextract import cli
from zxextract.batch import Outcome, Settings, article_json
from zxextract.distributed import MARKER, default_npartitions, extract_to_dir, outcomes_bag, records_bag
from zxextract.io import discover


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local:
        yield local


@pytest.fixture
def client(cluster: LocalCluster) -> Iterator[Client]:
    with Client(cluster) as connected:
        yield connected


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "Settings", functools.partial(Settings, loader=load_fake))


def parts(outdir: Path) -> list[str]:
    """The folder's files but the marker that says zxextract wrote it."""
    return sorted(p.name for p in outdir.iterdir() if p.name != MARKER)


def concatenated(outdir: Path) -> list[str]:
    return [line for part in sorted(outdir.glob("part-*.jsonl")) for line in read_jsonl(part)]


def many_pages(folder: Path, count: int = 12) -> dict[str, str]:
    pages = {f"p{i:02d}.txt": f"第{i}页\n\n" * (i % 3 + 1) for i in range(count)}
    write_pages(folder, pages)
    return pages


def test_records_equal_the_local_run(tmp_path: Path, cluster: LocalCluster, fake: None) -> None:
    pages = many_pages(tmp_path / "pages")
    assert run("extract", tmp_path / "pages", "-o", tmp_path / "local.jsonl").exit_code == 0
    outdir = tmp_path / "out"
    result = run("extract", tmp_path / "pages", "-o", outdir, "--engine", "dask", "--scheduler", cluster.scheduler_address, "--partitions", "5")
    assert result.exit_code == 0, result.output
    assert parts(outdir) == [f"part-{i:05d}.jsonl" for i in range(5)]
    assert (outdir / MARKER).is_file()
    assert concatenated(outdir) == read_jsonl(tmp_path / "local.jsonl") == expected(pages)
    assert result.stderr.splitlines()[-1] == "12 files, 24 articles, 0 errors, 0 pages without articles"
    assert parts(tmp_path) == ["local.jsonl", "out", "pages"]


def test_names_that_are_not_utf8_are_planned_extracted_and_reported(tmp_path: Path, cluster: LocalCluster, fake: None) -> None:
    folder = write_pages(tmp_path / "pages", PAGES)
    (folder / os.fsdecode(b"bad\xff.txt")).write_text("坏名字\n", encoding="utf-8")
    (folder / os.fsdecode(b"bin\xfe.txt")).write_bytes(b"\x00")
    outdir = tmp_path / "out"
    result = run("extract", folder, "-o", outdir, "--engine", "dask", "--scheduler", cluster.scheduler_address, "--partitions", "2")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert [json.loads(line)["doc_id"] for line in concatenated(outdir)] == ["a.txt", "a.txt", "b.txt", "bad\\xff.txt", "sub/c.txt", "sub/c.txt", "sub/c.txt"]
    errors = [json.loads(line) for line in read_jsonl(outdir / "errors.jsonl")]
    assert errors == [{"path": f"{folder}/bin\\xfe.txt", "error": "binary file (contains NUL bytes)"}]


def test_errors_file_and_exit_status(tmp_path: Path, cluster: LocalCluster, fake: None) -> None:
    folder = bad_folder(tmp_path)
    outdir = tmp_path / "out"
    result = run("extract", folder, "-o", outdir, "--engine", "dask", "--scheduler", cluster.scheduler_address, "--partitions", "3")
    assert result.exit_code == 1
    assert concatenated(outdir) == expected(PAGES)
    assert [json.loads(line) for line in read_jsonl(outdir / "errors.jsonl")] == [
        {"path": str(folder / "binary.txt"), "error": "binary file (contains NUL bytes)"},
        {"path": str(folder / "boom.txt"), "error": "RuntimeError: boom"},
        {"path": str(folder / "unreadable.txt"), "error": "no such file"},
    ]
    assert parts(outdir) == ["errors.jsonl", "part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    assert result.stderr.splitlines()[-1] == "7 files, 6 articles, 3 errors, 1 page without articles"


def test_rerun_replaces_the_folder(tmp_path: Path, cluster: LocalCluster, fake: None) -> None:
    folder = bad_folder(tmp_path)
    outdir = tmp_path / "out"
    args = ("extract", folder, "-o", outdir, "--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert run(*args, "--partitions", "4").exit_code == 1
    for name in ("binary.txt", "boom.txt", "empty.txt", "unreadable.txt"):
        (folder / name).unlink()
    assert run(*args, "--partitions", "2").exit_code == 0
    assert parts(outdir) == ["part-00000.jsonl", "part-00001.jsonl"]  # no stale part or errors file
    assert concatenated(outdir) == expected(PAGES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "pages"]


def test_failed_run_leaves_previous_folder(tmp_path: Path, cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(rules: list[str], segmenter: str) -> FakeExtractor:
        raise ValueError("no pipeline")

    monkeypatch.setattr(cli, "Settings", functools.partial(Settings, loader=broken))
    folder = write_pages(tmp_path / "pages", PAGES)
    outdir = tmp_path / "out"
    outdir.mkdir()
    (outdir / MARKER).touch()  # an earlier run's output
    (outdir / "part-00000.jsonl").write_text("previous\n")
    result = run("extract", folder, "-o", outdir, "--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert result.exit_code == 1
    assert "Error: cannot load the pipeline: ValueError: no pipeline" in result.stderr
    assert parts(outdir) == ["part-00000.jsonl"]
    assert (outdir / "part-00000.jsonl").read_text() == "previous\n"


def test_local_cluster_started_by_the_command(tmp_path: Path, fake: None) -> None:
    pages = many_pages(tmp_path / "pages", 5)
    result = run("extract", tmp_path / "pages", "-o", tmp_path / "out", "--engine", "dask", "--workers", "2")
    assert result.exit_code == 0, result.output
    assert len(parts(tmp_path / "out")) == default_npartitions(5, 2) == 4
    assert concatenated(tmp_path / "out") == expected(pages)


def test_python_api_bags(tmp_path: Path, client: Client) -> None:
    folder = bad_folder(tmp_path)
    articles = records_bag([folder], FAKE, npartitions=3).compute()
    fake = FakeExtractor([], "pkuseg")
    assert articles == [a for doc_id, text in PAGES.items() for a in fake.parse(text, doc_id)]
    outcomes = outcomes_bag([folder], FAKE, npartitions=3).compute()
    assert [(o.doc_id, o.error) for o in outcomes if o.error] == [
        ("binary.txt", "binary file (contains NUL bytes)"),
        ("boom.txt", "RuntimeError: boom"),
        ("unreadable.txt", "no such file"),
    ]


def test_send_bytes_needs_no_file_system_on_workers(tmp_path: Path, client: Client) -> None:
    folder = write_pages(tmp_path / "pages", PAGES)
    bag = records_bag(discover([str(folder)]), FAKE, npartitions=2, send_bytes=True)
    for page in PAGES:
        (folder / page).unlink()
    assert [a.doc_id for a in bag.compute()] == ["a.txt", "a.txt", "b.txt", "sub/c.txt", "sub/c.txt", "sub/c.txt"]


def test_default_npartitions() -> None:
    assert [default_npartitions(n, 2) for n in (1, 3, 4, 10, 1000, 10_000)] == [1, 3, 4, 4, 10, 100]


# --- resume ---------------------------------------------------------------------------


def stop_at(count: int) -> Callable[[Outcome], None]:
    """An on_outcome that acts like Ctrl-C at the count-th outcome (its partition is already written)."""
    seen: list[Outcome] = []

    def stop(outcome: Outcome) -> None:
        seen.append(outcome)
        if len(seen) == count:
            raise KeyboardInterrupt

    return stop


def interrupted(folder: Path, outdir: Path, client: Client, npartitions: int, count: int) -> Path:
    """The staging folder of a run over ``folder`` stopped at its count-th outcome."""
    with pytest.raises(KeyboardInterrupt):
        extract_to_dir(discover([str(folder)]), outdir, FAKE, client, npartitions, on_outcome=stop_at(count))
    return outdir.with_name(outdir.name + ".partial")


def staged_partitions(staging: Path) -> list[int]:
    """Numbers of the partitions whose errors file (written last) is in place."""
    return sorted(int(p.name[len("errors-") : -len(".jsonl")]) for p in staging.glob("errors-*.jsonl"))


def contents(outdir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in outdir.iterdir() if p.name != MARKER}


def clean_run(folder: Path, outdir: Path, client: Client, npartitions: int) -> dict[str, bytes]:
    """What an uninterrupted run writes (run before the test changes any page)."""
    extract_to_dir(discover([str(folder)]), outdir, FAKE, client, npartitions)
    return contents(outdir)


def test_resume_computes_only_the_missing_partitions(tmp_path: Path, client: Client) -> None:
    folder = tmp_path / "pages"
    many_pages(folder)  # 12 pages, 4 partitions of 3
    clean = clean_run(folder, tmp_path / "clean", client, 4)
    outdir = tmp_path / "out"
    outdir.mkdir()
    (outdir / MARKER).touch()  # an earlier run's output
    (outdir / "part-00000.jsonl").write_text("previous\n")
    staging = interrupted(folder, outdir, client, 4, count=4)  # stopped on the second partition to arrive
    assert contents(outdir) == {"part-00000.jsonl": b"previous\n"}
    done = staged_partitions(staging)
    assert len(done) == 2
    assert parts(staging) == sorted(["plan.json", *(f"{kind}-{n:05d}.jsonl" for n in done for kind in ("errors", "part"))])
    parsed: list[str] = []
    skipped: list[int] = []
    summary = extract_to_dir(
        discover([str(folder)]), outdir, FAKE, client, 4, on_outcome=lambda o: parsed.append(o.doc_id), resume=True, on_skipped=skipped.append
    )
    missing = [n for n in range(4) if n not in done]
    assert sorted(parsed) == [f"p{i:02d}.txt" for n in missing for i in range(3 * n, 3 * n + 3)]
    assert skipped == [6] and summary.skipped == 6 and summary.articles == 24
    assert contents(outdir) == clean
    assert not staging.exists()


def test_cli_resume_keeps_finished_partitions(tmp_path: Path, cluster: LocalCluster, client: Client, fake: None) -> None:
    folder = tmp_path / "pages"
    pages = many_pages(folder)
    clean = clean_run(folder, tmp_path / "clean", client, 6)
    outdir = tmp_path / "out"
    staging = interrupted(folder, outdir, client, 6, count=3)  # 2 of 6 partitions done
    for n in staged_partitions(staging):
        for i in (2 * n, 2 * n + 1):
            (folder / f"p{i:02d}.txt").write_text("BOOM: parsing this page again is an error\n")
    # no --partitions: the staged run's 6, not the default 4 for 2 workers
    result = run("extract", folder, "-o", outdir, "--engine", "dask", "--scheduler", cluster.scheduler_address, "--resume")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == "12 files, 24 articles, 0 errors, 0 pages without articles, 4 skipped as already done"
    assert contents(outdir) == clean
    assert concatenated(outdir) == expected(pages)
    assert parts(tmp_path) == ["clean", "out", "pages"]


def test_resume_redoes_partitions_with_errors_and_cut_off_ones(tmp_path: Path, cluster: LocalCluster, client: Client, fake: None) -> None:
    folder = tmp_path / "pages"
    pages = many_pages(folder, 6)  # 3 partitions of 2
    clean = clean_run(folder, tmp_path / "clean", client, 3)
    (folder / "p02.txt").write_text("BOOM\n")  # partition 1 fails
    staging = interrupted(folder, tmp_path / "out", client, 3, count=6)  # every partition written, nothing swapped in
    assert staged_partitions(staging) == [0, 1, 2]
    assert read_jsonl(staging / "errors-00001.jsonl") == [json.dumps({"path": str(folder / "p02.txt"), "error": "RuntimeError: boom"})]
    (staging / "errors-00002.jsonl").unlink()  # as if cut off between its part and its errors file
    (staging / "part-00000.jsonl.tmp").write_text("torn")
    (folder / "p02.txt").write_text(pages["p02.txt"])
    (folder / "p00.txt").write_text("BOOM: partition 0 is complete, not to be redone\n")
    result = run("extract", folder, "-o", tmp_path / "out", "--engine", "dask", "--scheduler", cluster.scheduler_address, "--resume")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1].endswith(", 2 skipped as already done")
    assert contents(tmp_path / "out") == clean


@pytest.mark.parametrize(
    ("change", "difference"),
    [
        (["--segmenter", "char"], "different settings (--segmenter, --rules or a rules file's content)"),
        (["--partitions", "3"], "a different --partitions"),
        ([], "different inputs"),  # a page added to the folder
    ],
)
def test_resume_refuses_another_runs_staging(
    tmp_path: Path, cluster: LocalCluster, client: Client, fake: None, change: list[str], difference: str
) -> None:
    folder = tmp_path / "pages"
    many_pages(folder, 6)
    outdir = tmp_path / "out"
    staging = interrupted(folder, outdir, client, 2, count=1)
    before = contents(staging)
    if not change:
        write_pages(folder, {"p99.txt": "新\n"})
    result = run("extract", folder, "-o", outdir, "--engine", "dask", "--scheduler", cluster.scheduler_address, "--resume", *change)
    assert result.exit_code == 2
    message = f"Error: cannot resume: {staging} holds an interrupted run with {difference}; run without --resume to start over"
    assert message in " ".join(result.stderr.split())  # click may wrap the line
    assert contents(staging) == before
    assert not outdir.exists()


def test_resume_without_staging_is_a_full_run(tmp_path: Path, cluster: LocalCluster, fake: None) -> None:
    folder = tmp_path / "pages"
    pages = many_pages(folder, 6)
    args = ("extract", folder, "-o", tmp_path / "out", "--engine", "dask", "--scheduler", cluster.scheduler_address, "--resume")
    assert run(*args).exit_code == 0
    assert concatenated(tmp_path / "out") == expected(pages)
    pages["p00.txt"] = "改\n"
    (folder / "p00.txt").write_text(pages["p00.txt"])
    result = run(*args)  # a finished folder is no staged run: replaced whole
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == "6 files, 12 articles, 0 errors, 0 pages without articles"
    assert concatenated(tmp_path / "out") == expected(pages)


def test_without_resume_staging_is_discarded(tmp_path: Path, cluster: LocalCluster, client: Client, fake: None) -> None:
    folder = tmp_path / "pages"
    pages = many_pages(folder, 6)
    staging = interrupted(folder, tmp_path / "out", client, 3, count=6)
    assert staged_partitions(staging) == [0, 1, 2]
    for name in pages:
        pages[name] = f"{name} 新\n"
        (folder / name).write_text(pages[name])
    result = run("extract", folder, "-o", tmp_path / "out", "--engine", "dask", "--scheduler", cluster.scheduler_address, "--partitions", "3")
    assert result.exit_code == 0
    assert concatenated(tmp_path / "out") == expected(pages)
    assert not staging.exists()


def test_ctrl_c_while_writing_then_resume(tmp_path: Path, cluster: LocalCluster, client: Client, fake: None, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "pages"
    many_pages(folder)
    clean = clean_run(folder, tmp_path / "clean", client, 4)
    written: list[str] = []

    def ctrl_c_at_the_8th(article: object) -> str:  # a partition holds 6 records: the second is cut off
        written.append(article_json(article))  # type: ignore[arg-type]
        if len(written) == 8:
            raise KeyboardInterrupt
        return written[-1]

    monkeypatch.setattr("zxextract.distributed.article_json", ctrl_c_at_the_8th)
    outdir = tmp_path / "out"
    args = ("extract", folder, "-o", outdir, "--engine", "dask", "--scheduler", cluster.scheduler_address, "--partitions", "4")
    result = run(*args)
    assert result.exit_code == 130
    assert result.stderr.splitlines()[-1] == f"interrupted; {outdir} is unchanged; rerun with --resume to continue"
    staging = tmp_path / "out.partial"
    assert len(staged_partitions(staging)) == 1
    assert len(list(staging.glob("*.tmp"))) == 1
    result = run(*args, "--resume")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1].endswith(", 3 skipped as already done")
    assert contents(outdir) == clean


def test_seeds_equal_the_local_run(tmp_path: Path, cluster: LocalCluster) -> None:  # real pipeline
    assert run("extract", SEEDS, "-o", tmp_path / "local.jsonl").exit_code == 0
    result = run("extract", SEEDS, "-o", tmp_path / "out", "--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert result.exit_code == 0, result.output
    assert concatenated(tmp_path / "out") == read_jsonl(tmp_path / "local.jsonl")
