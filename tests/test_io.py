"""Input decoding and discovery: every accepted encoding round-trips, everything else is an InputError with a reason."""

from __future__ import annotations

import codecs
import io
import os
import pickle
from pathlib import Path

import pytest

from zxextract.io import InputError, Source, decode, discover, read_bytes

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PAGE = (SEEDS / "000_e12b081a13b428a1.txt").read_text(encoding="utf-8")
TRADITIONAL = "重慶市大足區政協委員會舉行座談會，委員們就產業發展建言獻策。\n"


@pytest.mark.parametrize(
    "data",
    [
        PAGE.encode("utf-8"),
        codecs.BOM_UTF8 + PAGE.encode("utf-8"),
        PAGE.encode("utf-16"),  # with its BOM, native order
        codecs.BOM_UTF16_BE + PAGE.encode("utf-16-be"),
        codecs.BOM_UTF16_LE + PAGE.encode("utf-16-le"),
        PAGE.encode("utf-32"),
        PAGE.encode("gb18030"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-be-bom", "utf-16-le-bom", "utf-32", "gb18030"],
)
def test_page_round_trips(data: bytes) -> None:
    assert decode(data) == PAGE


@pytest.mark.parametrize("text", ["政协委员", "重庆市大足区政协", "□ 通讯员 彭勇\r\n"])
def test_short_gb18030_is_not_taken_for_big5(text: str) -> None:
    data = text.encode("gb18030")
    data.decode("big5")  # valid in both: the guess matters
    assert decode(data) == text


def test_gb18030_four_byte_characters() -> None:
    text = "㐀𠀀政协€"  # outside GBK: four-byte sequences
    assert decode(text.encode("gb18030")) == text


@pytest.mark.parametrize("text", [TRADITIONAL, "政協", "第一頁"])
def test_big5_traditional_text(text: str) -> None:
    assert decode(text.encode("big5")) == text


def test_tiny_gb18030_that_is_also_utf8_reads_as_utf8() -> None:
    # documented limit of strict UTF-8 first: two GB bytes can form one UTF-8 character
    assert decode("页".encode("gb18030")) == "ҳ"


def test_crlf_kept_so_spans_index_the_file() -> None:
    assert decode("标题\r\n正文\r\n".encode("gb18030")) == "标题\r\n正文\r\n"


def test_invalid_utf8_that_no_chinese_encoding_takes_is_an_error_not_a_lossy_decode() -> None:
    data = "政协委员会议".encode() + b"\xff\x80 abc"
    with pytest.raises(InputError) as raised:
        decode(data, "bad.txt")
    assert raised.value.path == "bad.txt"
    assert raised.value.reason == "not text in UTF-8, GB18030 or Big5 (invalid UTF-8 byte 0xff at offset 18)"


def test_truncated_utf8_is_an_error() -> None:
    data = PAGE.encode()[:-1]  # the page ends in a multi-byte character
    with pytest.raises(InputError, match="invalid UTF-8 byte 0x"):
        decode(data)


def test_latin1_is_not_guessed() -> None:
    with pytest.raises(InputError, match="not text in UTF-8, GB18030 or Big5"):
        decode("café au lait, s'il vous plaît.".encode("latin-1"))


def test_invalid_after_bom() -> None:
    with pytest.raises(InputError, match="invalid UTF-8-SIG after its byte-order mark"):
        decode(codecs.BOM_UTF8 + b"ok \xff")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes)"),
        (bytes(range(1, 9)) * 10 + "政协".encode(), "binary file (too many control bytes)"),
        ("政协\n".encode("utf-16-le"), "binary file (contains NUL bytes)"),  # UTF-16 needs its BOM
    ],
    ids=["nul", "controls", "utf-16-no-bom"],
)
def test_refused(data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as raised:
        decode(data, "x.txt")
    assert (raised.value.path, raised.value.reason) == ("x.txt", reason)
    assert str(raised.value) == f"x.txt: {reason}"


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8], ids=["empty", "bom-only"])
def test_an_empty_file_is_an_empty_page(data: bytes) -> None:
    assert decode(data) == ""


def test_a_few_controls_are_text() -> None:
    text = "标题\f\n" + "正文" * 100 + "\x1b\n"
    assert decode(text.encode()) == text


def test_whitespace_only_page_is_text() -> None:
    assert decode(b" \n\n") == " \n\n"


def test_read_errors(tmp_path: Path) -> None:
    (tmp_path / "dir.txt").mkdir()
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone")
    reasons = {}
    for name in ("missing.txt", "dir.txt", "dangling.txt"):
        with pytest.raises(InputError) as raised:
            read_bytes(tmp_path / name)
        reasons[name] = raised.value.reason
    assert reasons == {"missing.txt": "no such file", "dir.txt": "a folder, not a regular file", "dangling.txt": "no such file"}


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path, flags: int) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(InputError, match="permission denied"):
        read_bytes(tmp_path / "a.txt")


def test_input_error_survives_pickling() -> None:  # worker processes send it back
    error = pickle.loads(pickle.dumps(InputError("a.txt", "empty file")))
    assert (error.path, error.reason, str(error)) == ("a.txt", "empty file", "a.txt: empty file")


def _tree(root: Path) -> None:
    for name in ("b/z.txt", "b/a.txt", "a.txt", "c/d/e.txt", "B.txt", "notes.md", "b/skip.TXT"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name, encoding="utf-8")
    (root / "folder.txt").mkdir()


def test_folder_recursion_is_sorted_and_ids_are_relative(tmp_path: Path) -> None:
    _tree(tmp_path)
    sources = discover([str(tmp_path)])
    assert [s.doc_id for s in sources] == ["B.txt", "a.txt", "b/a.txt", "b/z.txt", "c/d/e.txt"]
    assert [s.path for s in sources] == [str(tmp_path / s.doc_id) for s in sources]
    assert all(s.problem is None and s.data is None for s in sources)


def test_files_folders_and_stdin_in_argument_order(tmp_path: Path) -> None:
    _tree(tmp_path)
    stdin = io.BytesIO("标准输入".encode("gb18030"))
    sources = discover([str(tmp_path / "c"), "-", str(tmp_path / "b" / "z.txt"), str(tmp_path / "missing.txt")], stdin=stdin)
    assert [(s.doc_id, s.path) for s in sources] == [
        ("d/e.txt", str(tmp_path / "c/d/e.txt")),
        ("-", "-"),
        ("z.txt", str(tmp_path / "b/z.txt")),
        ("missing.txt", str(tmp_path / "missing.txt")),
    ]
    assert sources[1].read() == "标准输入"
    with pytest.raises(InputError, match="no such file"):
        sources[3].read()


def test_duplicate_doc_ids_and_empty_folders_are_reported(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "empty").mkdir()
    sources = discover([str(tmp_path / "a.txt"), str(tmp_path / "b"), str(tmp_path / "empty")])
    assert [(s.doc_id, s.problem) for s in sources] == [
        ("a.txt", None),
        ("a.txt", f"doc_id 'a.txt' already taken by {tmp_path / 'a.txt'}"),
        ("z.txt", None),
        ("empty", "folder contains no *.txt file"),
    ]
    with pytest.raises(InputError) as raised:
        sources[3].read()
    assert (raised.value.path, raised.value.reason) == (str(tmp_path / "empty"), "folder contains no *.txt file")


def test_with_data_reads_now(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("第一页".encode("gb18030"))
    shipped = Source("a.txt", str(tmp_path / "a.txt")).with_data()
    (tmp_path / "a.txt").unlink()
    assert shipped.read() == "第一页"
    assert Source("m.txt", str(tmp_path / "m.txt")).with_data().problem == "no such file"
