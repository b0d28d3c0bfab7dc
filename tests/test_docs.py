"""Every example in README.md, README.zh.md and docs/*.md runs as written, and docs/notebook.ipynb executes.

Each file's blocks run in document order, from a temporary folder holding
``seeds/`` and ``tests/data/`` (as the repository root does): ```python
blocks in one namespace; ```sh blocks whose first line is a ``zxextract``
command, each line through the CLI; a block preceded by
``<!-- file: NAME -->`` is written to NAME (a rules file the next example
reads). A block preceded by ``<!-- not run: reason -->`` is skipped (a
synopsis, a cluster, a multi-minute job). The docs name no file
outside the repository and no IP address, and no example that runs connects
anywhere but localhost.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

import zxextract
from zxextract import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "README.zh.md", *sorted((ROOT / "docs").glob("*.md"))]
NOTEBOOK = ROOT / "docs" / "notebook.ipynb"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
NOT_RUN = re.compile(r"<!--\s*not run:\s*\S.*?-->\s*$")
FILE = re.compile(r"<!--\s*file:\s*(\S+)\s*-->\s*$")
IP_ADDRESS = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])")
OUTSIDE = ("SCHEMA.md", "../shared", "/work/")  # the project's contract and data live beside the repository, not in it
REMOTE = re.compile(r"\w+://(?!localhost\b|127\.0\.0\.1\b)[\w.-]+")


@dataclass
class Block:
    language: str
    code: str
    line: int  # of the opening fence, 1-based
    run: bool
    file: str | None  # write the block to this file instead of running it


def blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        line = text.count("\n", 0, match.start()) + 1
        file = FILE.search(before)
        found.append(Block(match[1], match[2], line, not NOT_RUN.search(before), file[1] if file else None))
    return found


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder that looks like the repository root to the examples: seeds/ and tests/data/."""
    (tmp_path / "tests").mkdir()
    os.symlink(ROOT / "seeds", tmp_path / "seeds")
    os.symlink(ROOT / "tests" / "data", tmp_path / "tests" / "data")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_doc_is_found() -> None:
    assert all(path.exists() for path in DOCS)
    assert sum(len(blocks(path)) for path in DOCS) > 20


def shell_commands(block: Block) -> list[tuple[int, list[str]]]:
    """(line, argv) of each command of a shell block."""
    commands = []
    for offset, line in enumerate(block.code.splitlines(), 1):
        argv = shlex.split(line, comments=True)
        if argv:
            commands.append((block.line + offset, argv))
    return commands


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_examples_run_in_order(path: Path, workdir: Path) -> None:
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in blocks(path):
        if block.file is not None:
            (workdir / block.file).write_text(block.code, encoding="utf-8")
        elif not block.run:
            continue
        elif block.language == "python":
            exec(compile(block.code, f"{path.name}:{block.line}", "exec"), namespace)  # noqa: S102  (the docs' own examples)
        elif block.language == "sh" and block.code.startswith("zxextract"):
            for line, argv in shell_commands(block):
                where = f"{path.name}:{line}: {shlex.join(argv)}"
                assert argv[0] == "zxextract" and "|" not in argv, f"{where}: not one zxextract command; mark the block not run"
                result = CliRunner().invoke(cli.main, argv[1:])
                assert result.exit_code == 0, f"{where}\n{result.output}"


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_docs_stay_inside_the_repository_and_use_no_ip_address(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert [word for word in OUTSIDE if word in text] == []
    assert IP_ADDRESS.findall(text) == []
    for block in blocks(path):
        if block.run and block.language in ("python", "sh"):
            assert REMOTE.findall(block.code) == [], f"{path.name}:{block.line}: an example that runs connects elsewhere"


def test_not_run_marks_give_a_reason() -> None:
    for path in DOCS:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "not run" in line:
                assert NOT_RUN.search(line), f"{path.name}:{number}: write <!-- not run: reason -->"


def test_notebook_executes(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel imports the zxextract under test (a relative PYTHONPATH would not reach it from workdir)."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(Path(zxextract.__file__).parents[1]), os.environ.get("PYTHONPATH", "")]))
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    html = [output["data"]["text/html"] for output in outputs if "text/html" in output.get("data", {})]
    assert any('class="zx-article"' in page for page in html)  # an Article shown with its entities
    assert any("<table" in page for page in html)  # a DataFrame


def test_chinese_readme_has_the_same_examples() -> None:
    """README.zh.md translates the prose and the comments, never the commands or the code."""

    def code(path: Path) -> list[list[str]]:
        return [[re.sub(r"\s+#.*$", "", line) for line in block.code.splitlines()] for block in blocks(path)]

    assert code(ROOT / "README.zh.md") == code(ROOT / "README.md")
    assert "README.zh.md" in (ROOT / "README.md").read_text(encoding="utf-8")
