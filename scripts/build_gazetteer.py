"""Build ``rules/gazetteer.tsv.gz``: China's divisions down to township level, plus hand-kept zones.

Source: ``jionlp/dictionary/china_location.zip`` from the ``jionlp`` package
(Apache-2.0), read at build time only (``pip install --no-deps jionlp``); the
package is never imported, so its dependencies are not needed.  Its tree gives
province, prefecture and county with 6-digit codes and short names, and
townships by name (the source has no township codes, so theirs stay empty).
Zones that have no code (``两江新区`` ...) come from ``scripts/zones.tsv``.

Derived full-strength aliases: ``秀山县`` for ``秀山土家族苗族自治县``
(short + 县/旗/州 for autonomous units), because papers write them that way.

    python scripts/build_gazetteer.py
"""

from __future__ import annotations

import gzip
import importlib.metadata
import io
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "zxextract" / "rules" / "gazetteer.tsv.gz"
ZONES = ROOT / "scripts" / "zones.tsv"
LEVELS = ("province", "prefecture", "county", "township")  # by tab depth in the source
HEADER = ("code", "name", "level", "parent", "province", "short", "alias")
AUTONOMOUS = (("自治县", "县"), ("自治旗", "旗"), ("自治州", "州"))


def _source_lines() -> tuple[list[str], str]:
    """The source tree's lines and a description of where they came from."""
    try:
        dist = importlib.metadata.distribution("jionlp")
    except importlib.metadata.PackageNotFoundError:
        raise SystemExit("pip install --no-deps jionlp (build-time only)") from None
    archive = Path(str(dist.locate_file("jionlp/dictionary/china_location.zip")))
    with zipfile.ZipFile(archive) as zf:
        text = zf.read("china_location.txt").decode("utf-8")
    return text.splitlines(), f"jionlp {dist.version} china_location.zip"


def _alias(name: str, shorts: list[str]) -> str:
    """``秀山县`` for ``秀山土家族苗族自治县``: each short name plus the unit word, comma-separated
    (none for a short name that already ends with it: ``巴州``)."""
    for suffix, unit in AUTONOMOUS:
        if name.endswith(suffix):
            return ",".join(short + unit for short in shorts if not short.endswith(unit))
    return ""


def _tree_rows(lines: list[str]) -> list[tuple[str, ...]]:
    """One row per unit; the source indents each level by one more tab."""
    rows: list[tuple[str, ...]] = []
    parents: list[str] = ["", "", "", ""]  # code (or township key) of the open unit per depth
    province = ""
    for line in lines:
        depth = len(line) - len(line.lstrip("\t"))
        if depth >= len(LEVELS) or not line.strip():
            continue  # villages are below what the project reports
        fields = line.strip("\t").split("\t")
        name = fields[0]
        code = fields[1] if len(fields) > 1 else ""
        short = fields[2] if len(fields) > 2 else ""
        if depth == 0:
            province = name
        parent = parents[depth - 1] if depth else ""
        if (depth == 1 and code == parents[0]) or "行政区划" in name:
            # a municipality repeating itself as prefecture, or a "直辖行政区划" placeholder:
            # not a place, so its children hang on its parent
            parents[depth] = parent
            continue
        parents[depth] = code
        # the source separates several short names with "/" (巴音郭楞蒙古自治州: 巴州/巴音郭楞)
        shorts = [s for s in short.split("/") if len(s) >= 2 and s != name]
        rows.append((code, name, LEVELS[depth], parent, province, ",".join(shorts), _alias(name, shorts)))
    return rows


def _zone_rows() -> list[tuple[str, ...]]:
    rows = []
    for line in ZONES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, province, aliases = (line.split("\t") + ["", ""])[:3]
            rows.append(("", name, "zone", "", province, "", aliases))
    return rows


def main() -> None:
    lines, source = _source_lines()
    rows = _tree_rows(lines) + _zone_rows()
    buf = io.StringIO()
    buf.write("\t".join(HEADER) + "\n")
    for row in rows:
        buf.write("\t".join(row) + "\n")
    # mtime=0: the same source gives byte-identical output
    with open(OUT, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    counts = {level: sum(r[2] == level for r in rows) for level in LEVELS + ("zone",)}
    print(f"{source}: {counts} -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
