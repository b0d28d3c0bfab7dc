"""Fault injection: each fault ends with exit 1 and a message (no hang, no traceback), and records for every other file.

The stand-in pipeline of fakepipeline.py kills, starves or stalls its worker
on marked pages; everything else (file names, FIFOs, devices, disk full,
output targets, scheduler strings) is made here. Only localhost is contacted.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakepipeline import load_fake, read_jsonl
from test_cli import PAGES, expected, run, write_pages

from zxextract import cli, workers
from zxextract.batch import Settings
from zxextract.workers import Budget, Lost, parallel_map


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "Settings", functools.partial(Settings, loader=load_fake))


def errors_of(out: Path) -> dict[str, str]:
    return {Path(e["path"]).name: e["error"] for e in map(json.loads, read_jsonl(out.with_name(out.name + ".errors")))}


def clean_exit_1(result: object) -> None:
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    assert "Traceback" not in result.stderr  # type: ignore[attr-defined]


# --- the engine ------------------------------------------------------------------------------


def _square_or_die(n: int) -> int:
    if n == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    if n == 5:
        raise ValueError("five")
    return n * n


def test_engine_keeps_order_reports_a_twice_dead_page_and_raises_at_the_failing_item() -> None:
    results = parallel_map(_square_or_die, range(8), workers=2, window=2)
    assert [next(results) for _ in range(5)] == [0, 1, 4, Lost("worker died: signal 9"), 16]
    with pytest.raises(ValueError, match="five"):
        next(results)


def test_engine_stops_its_workers_when_closed_early() -> None:
    results = parallel_map(time.sleep, [0, 30, 30], workers=2)
    assert next(results) is None
    started = [w.process for w in results.gi_frame.f_locals["pool"].workers]  # type: ignore[union-attr]
    results.close()
    assert started and not any(p.is_alive() for p in started)


# --- dead, starved and stuck workers -----------------------------------------------------------


@pytest.mark.parametrize("count", ["1", "2"])
def test_a_killed_worker_is_retried_once_then_reported(tmp_path: Path, fake: None, count: str) -> None:
    folder = write_pages(tmp_path / "pages", {**PAGES, "kill.txt": "KILL-9\n"})
    out = tmp_path / "out.jsonl"
    result = run("extract", folder, "-o", out, "--workers", count)
    clean_exit_1(result)
    assert read_jsonl(out) == expected(PAGES)
    assert errors_of(out) == {"kill.txt": "worker died: signal 9"}
    assert f"error: {folder / 'kill.txt'}: worker died: signal 9" in result.stderr


def test_a_page_whose_first_worker_died_comes_out_of_the_retry(tmp_path: Path, fake: None) -> None:
    flag = tmp_path / "killed-once"
    pages = {**PAGES, "once.txt": f"KILL-FIRST {flag}\n"}
    folder = write_pages(tmp_path / "pages", pages)
    out = tmp_path / "out.jsonl"
    result = run("extract", folder, "-o", out, "--workers", "2")
    assert result.exit_code == 0, result.output
    assert flag.exists() and read_jsonl(out) == expected(dict(sorted(pages.items())))


@pytest.mark.parametrize(
    ("page", "option", "reason"),
    [("SLEEP\n", ["--page-timeout", "1"], "over the time budget (1 s)"), ("HOG\n", ["--page-memory", "100"], "over the memory budget (100 MB)")],
    ids=["time", "memory"],
)
def test_a_page_over_budget_is_reported_not_fatal(tmp_path: Path, fake: None, page: str, option: list[str], reason: str) -> None:
    if option[0] == "--page-memory" and not Path("/proc/self/statm").exists():
        pytest.skip("the memory budget reads /proc")
    folder = write_pages(tmp_path / "pages", {**PAGES, "heavy.txt": page})
    out = tmp_path / "out.jsonl"
    result = run("extract", folder, "-o", out, "--workers", "2", *option)
    clean_exit_1(result)
    assert read_jsonl(out) == expected(PAGES)
    assert errors_of(out) == {"heavy.txt": reason}


# --- disk full -----------------------------------------------------------------------------------


def test_disk_full_is_a_message_and_resume_finishes_byte_identical(tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_pages(tmp_path / "pages", PAGES)
    clean = tmp_path / "clean.jsonl"
    assert run("extract", folder, "-o", clean).exit_code == 0
    out = tmp_path / "out.jsonl"
    real_write = os.fsync
    writes = []

    def full(descriptor: int) -> None:  # the first fsync of the records hits a full disk
        writes.append(descriptor)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("zxextract.batch.os.fsync", full)
    result = run("extract", folder, "-o", out)
    clean_exit_1(result)
    assert result.stderr.splitlines()[-1] == f"Error: cannot write {out}: No space left on device; {out} is unchanged"
    assert writes and not out.exists()
    monkeypatch.setattr("zxextract.batch.os.fsync", real_write)
    result = run("extract", folder, "-o", out, "--resume")
    assert result.exit_code == 0
    assert out.read_bytes() == clean.read_bytes()


# --- odd names and odd files ---------------------------------------------------------------------


def test_names_that_are_not_utf8_or_hold_control_characters_are_extracted(tmp_path: Path, fake: None) -> None:
    folder = write_pages(tmp_path / "pages", PAGES)
    (folder / os.fsdecode(b"bad\xff.txt")).write_text("坏名字\n", encoding="utf-8")
    (folder / "new\nline.txt").write_text("换行\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("extract", folder, "-o", out)
    assert result.exit_code == 0, result.output
    doc_ids = [json.loads(line)["doc_id"] for line in out.read_bytes().decode("utf-8").splitlines()]
    assert doc_ids == ["a.txt", "a.txt", "b.txt", "bad\\xff.txt", "new\\x0aline.txt", "sub/c.txt", "sub/c.txt", "sub/c.txt"]


def test_unreadable_name_is_reported_printably(tmp_path: Path, fake: None) -> None:
    folder = write_pages(tmp_path / "pages", PAGES)
    (folder / os.fsdecode(b"bin\xfe.txt")).write_bytes(b"\x00\x01")
    out = tmp_path / "out.jsonl"
    result = run("extract", folder, "-o", out)
    clean_exit_1(result)
    assert errors_of(out) == {"bin\\xfe.txt": "binary file (contains NUL bytes)"}
    assert read_jsonl(out) == expected(PAGES)


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="POSIX FIFOs and devices")
def test_fifos_devices_and_links_to_devices_are_reported_not_read(tmp_path: Path, fake: None) -> None:
    folder = write_pages(tmp_path / "pages", PAGES)
    os.mkfifo(folder / "x.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    out = tmp_path / "out.jsonl"
    result = run("extract", folder, "/dev/null", "-o", out)
    clean_exit_1(result)
    assert read_jsonl(out) == expected(PAGES)
    assert errors_of(out) == {
        "x.txt": "a FIFO, not a regular file",
        "zero.txt": "a character device, not a regular file",
        "null": "a character device, not a regular file",
    }


def test_a_file_over_the_size_cap_is_reported(tmp_path: Path, fake: None) -> None:
    folder = write_pages(tmp_path / "pages", {**PAGES, "big.txt": "大" * 1000})
    out = tmp_path / "out.jsonl"
    result = run("extract", folder, "-o", out, "--max-file-size", "0.001")
    clean_exit_1(result)
    assert errors_of(out) == {"big.txt": "larger than the size cap of 1,049 bytes (--max-file-size)"}


def test_an_unreadable_folder_is_reported(tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_pages(tmp_path / "pages", PAGES)
    real_scandir = os.scandir

    def locked(path: object) -> object:  # root reads any folder: refuse one as a user's locked folder would be
        if Path(str(path)).name == "sub":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr("zxextract.io.os.scandir", locked)
    out = tmp_path / "out.jsonl"
    result = run("extract", folder, "-o", out)
    clean_exit_1(result)
    assert errors_of(out) == {"sub": "cannot list this folder: permission denied"}
    assert read_jsonl(out) == expected({k: v for k, v in PAGES.items() if not k.startswith("sub/")})


def test_an_empty_file_gives_no_records_and_exit_0(tmp_path: Path, fake: None) -> None:
    folder = write_pages(tmp_path / "pages", {**PAGES, "empty.txt": b""})
    out = tmp_path / "out.jsonl"
    result = run("extract", folder, "-o", out)
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == "4 files, 6 articles, 0 errors, 1 page without articles"


# --- resume ----------------------------------------------------------------------------------------


def interrupted_run(tmp_path: Path) -> Path:
    folder = write_pages(tmp_path / "a", {**PAGES, "z.txt": "CTRL-C\n"})
    out = tmp_path / "out.jsonl"
    assert run("extract", folder, "-o", out).exit_code == cli.EXIT_INTERRUPTED
    return out


def test_resume_refuses_other_inputs(tmp_path: Path, fake: None) -> None:
    out = interrupted_run(tmp_path)
    other = write_pages(tmp_path / "b", {"b.txt": "别的\n"})
    result = run("extract", other, "-o", out, "--resume")
    clean_exit_1(result)
    assert "is from a run with different inputs or settings" in result.stderr
    assert out.with_name("out.jsonl.partial").exists()  # the interrupted run is still there to resume


def test_resume_refuses_a_corrupt_ledger(tmp_path: Path, fake: None) -> None:
    out = interrupted_run(tmp_path)
    out.with_name("out.jsonl.progress").write_bytes(b"\x00garbage\n")
    result = run("extract", tmp_path / "a", "-o", out, "--resume")
    clean_exit_1(result)
    assert "is not a progress ledger of this version" in result.stderr


# --- output targets ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "message"),
    [("/dev/null", "/dev/null is a character device, not a regular file: refusing to write over it"),
     (".", "is a folder; --engine local writes a JSONL file"), ("/", "is a folder"), ("..", "is a folder")],
)
def test_local_output_must_be_a_regular_file(tmp_path: Path, fake: None, target: str, message: str) -> None:
    folder = write_pages(tmp_path / "pages", PAGES)
    result = run("extract", folder, "-o", target)
    assert result.exit_code in (1, 2) and "Traceback" not in result.stderr
    assert message in result.stderr
    assert Path("/dev/null").is_char_device()


def test_dash_streams_records_to_stdout(tmp_path: Path, fake: None) -> None:
    folder = write_pages(tmp_path / "pages", {**PAGES, "boom.txt": "BOOM"})
    result = run("extract", folder, "-o", "-")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == expected(PAGES)
    assert "error: " in result.stderr and result.stderr.splitlines()[-1].startswith("4 files, 6 articles, 1 error")


@pytest.mark.parametrize("name", ["out", "out.old", "out.partial"])
def test_dask_refuses_folders_it_did_not_write(tmp_path: Path, fake: None, name: str) -> None:
    folder = write_pages(tmp_path / "pages", PAGES)
    theirs = tmp_path / name
    theirs.mkdir()
    (theirs / "important.txt").write_text("keep me")
    result = run("extract", folder, "-o", tmp_path / "out", "--engine", "dask")
    clean_exit_1(result)
    assert "was not written by zxextract" in result.stderr
    assert (theirs / "important.txt").read_text() == "keep me"


@pytest.mark.parametrize(("target", "message"), [("/", "is the root folder"), (".", "was not written by zxextract")])
def test_dask_refuses_odd_targets(tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch, target: str, message: str) -> None:
    folder = write_pages(tmp_path / "pages", PAGES)
    monkeypatch.chdir(folder)
    result = run("extract", folder, "-o", target, "--engine", "dask")
    clean_exit_1(result)
    assert message in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt", "b.txt", "sub"]


# --- scheduler strings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["http://localhost:8786", "tcp://", "tcp://localhost:notaport", "tcp://localhost:99999", "tcp://localhost:0",
     "tcp://user:pw@localhost:8786", "tcp://localhost:8786/path", "localhost:8786?x=1", ""],
)
def test_malformed_scheduler_addresses_are_usage_errors(tmp_path: Path, fake: None, address: str) -> None:
    folder = write_pages(tmp_path / "pages", PAGES)
    result = run("extract", folder, "-o", tmp_path / "out", "--engine", "dask", "--scheduler", address)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "Invalid value for --scheduler" in result.stderr or "--scheduler" in result.stderr


@pytest.mark.parametrize(
    ("address", "normal"),
    [("localhost", "tcp://localhost:8786"), ("127.0.0.1:9000", "tcp://127.0.0.1:9000"), ("tls://[::1]:8786", "tls://[::1]:8786")],
)
def test_scheduler_addresses_are_normalized(address: str, normal: str) -> None:
    from zxextract.distributed import check_scheduler_address

    assert check_scheduler_address(address) == normal


@pytest.fixture
def not_a_scheduler() -> Iterator[int]:
    """A localhost server that answers every connection with an HTTP error, as a web server on the wrong port would."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 64)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


def test_an_endpoint_that_is_not_a_scheduler_is_a_message(tmp_path: Path, fake: None, monkeypatch: pytest.MonkeyPatch, not_a_scheduler: int) -> None:
    monkeypatch.setattr("zxextract.distributed.CONNECT_SECONDS", 3)
    folder = write_pages(tmp_path / "pages", PAGES)
    result = run("extract", folder, "-o", tmp_path / "out", "--engine", "dask", "--scheduler", f"tcp://127.0.0.1:{not_a_scheduler}")
    clean_exit_1(result)
    assert "cannot connect to a Dask scheduler at tcp://127.0.0.1:" in result.stderr


def test_the_default_budget_is_bounded() -> None:
    assert Budget().seconds and Budget().memory_mb and workers.start_method() in ("fork", "spawn")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="Linux pseudo file systems")
@pytest.mark.parametrize("target", ["/proc/zx-missing/out.jsonl", "/proc/self/zx-out.jsonl"])
def test_an_unwritable_output_is_a_message(tmp_path: Path, fake: None, target: str) -> None:
    """Even root cannot create files under /proc: the failure is a message naming the path."""
    folder = write_pages(tmp_path / "pages", PAGES)
    result = run("extract", folder, "-o", target)
    clean_exit_1(result)
    assert result.stderr.splitlines()[-1].startswith("Error: cannot write /proc/")
