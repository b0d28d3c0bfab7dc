"""The Dask engine on a LocalCluster of 2 worker processes: the same records as the local engine, errors in errors.jsonl."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from fakepipeline import FAKE, FakeExtractor, load_fake, read_jsonl
from test_cli import PAGES, SEEDS, bad_folder, expected, run, write_pages
from zxextract import cli
from zxextract.batch import Settings
from zxextract.distributed import default_npartitions, outcomes_bag, records_bag
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
    return sorted(p.name for p in outdir.iterdir())


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
    assert concatenated(outdir) == read_jsonl(tmp_path / "local.jsonl") == expected(pages)
    assert result.stderr.splitlines()[-1] == "12 files, 24 articles, 0 errors, 0 pages without articles"
    assert parts(tmp_path) == ["local.jsonl", "out", "pages"]


def test_errors_file_and_exit_status(tmp_path: Path, cluster: LocalCluster, fake: None) -> None:
    folder = bad_folder(tmp_path)
    outdir = tmp_path / "out"
    result = run("extract", folder, "-o", outdir, "--engine", "dask", "--scheduler", cluster.scheduler_address, "--partitions", "3")
    assert result.exit_code == 1
    assert concatenated(outdir) == expected(PAGES)
    assert [json.loads(line) for line in read_jsonl(outdir / "errors.jsonl")] == [
        {"path": str(folder / "binary.txt"), "error": "binary file (contains NUL bytes)"},
        {"path": str(folder / "boom.txt"), "error": "RuntimeError: boom"},
        {"path": str(folder / "empty.txt"), "error": "empty file"},
        {"path": str(folder / "unreadable.txt"), "error": "no such file"},
    ]
    assert parts(outdir) == ["errors.jsonl", "part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    assert result.stderr.splitlines()[-1] == "7 files, 6 articles, 4 errors, 0 pages without articles"


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
        ("empty.txt", "empty file"),
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


def test_seeds_equal_the_local_run(tmp_path: Path, cluster: LocalCluster) -> None:  # real pipeline
    assert run("extract", SEEDS, "-o", tmp_path / "local.jsonl").exit_code == 0
    result = run("extract", SEEDS, "-o", tmp_path / "out", "--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert result.exit_code == 0, result.output
    assert concatenated(tmp_path / "out") == read_jsonl(tmp_path / "local.jsonl")
