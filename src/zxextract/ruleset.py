"""Rules as validated data: one reader for the packaged tables and users' rules files.

Packaged vocabulary lives in ``src/zxextract/rules/`` as tab-separated tables
(``#`` lines are comments; the first other line names the columns; a ``why``
column says why a row exists), plus ``layout.json`` and the gzip gazetteer,
all read through this module.  Users add rules as JSON Lines, one object per
line with a ``type``.  Every row is checked against the pydantic model of its
type when it is read, and a bad row is reported as ``file:line: key: reason``,
so a typo fails at load, not on every page afterwards.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError


def alternation(words: Iterable[str], *, escape: bool = True, after: Mapping[str, str] | None = None) -> str:
    """A regex alternation of ``words``, longest first so that the longest word wins at a position
    (``委员工作室`` over ``工作室``); ties in code-point order, repeats once; "" for no words.

    ``escape``: each word is a literal, escaped with ``re.escape``, which both ``re`` and ``regex``
    read as the same literal (the stdlib ``re`` is several times faster on plain word lists).
    ``after``: a pattern that must follow a word (a lookahead such as ``(?!民)``), by word.
    """
    after = after or {}
    return "|".join((re.escape(w) if escape else w) + after.get(w, "") for w in sorted(set(words), key=lambda w: (-len(w), w)))


class RuleRow(BaseModel):
    """Base of every rule row model: unknown keys are errors, values are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class RulesError(ValueError):
    """A rules file or row that cannot be used, with where and why."""


def _where(source: str, line: int | None) -> str:
    return f"{source}:{line}" if line is not None else source


def validate_row(
    row: Any, models: Mapping[str, type[RuleRow]], source: str = "<rules>", line: int | None = None
) -> dict[str, Any]:
    """``row`` checked against the model of its ``type``; a :class:`RulesError` says ``file:line: key: reason``."""
    where = _where(source, line)
    if not isinstance(row, dict):
        raise RulesError(f"{where}: a rule is a JSON object with a 'type' key, not {type(row).__name__}")
    rule_type = row.get("type")
    if not isinstance(rule_type, str):
        raise RulesError(f"{where}: type: required, a string")
    model = models.get(rule_type)
    if model is None:
        raise RulesError(f"{where}: type: unknown rule type {rule_type!r}; known: {sorted(models)}")
    _check(model, {k: v for k, v in row.items() if k != "type"}, where)
    return row


def _check(model: type[RuleRow], fields: dict[str, Any], where: str) -> None:
    """Validate ``fields``; the first problem becomes ``where: key: reason``."""
    try:
        model.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "row"
        raise RulesError(f"{where}: {key}: {first['msg']}") from None


def read_rules_file(path: str | Path, models: Mapping[str, type[RuleRow]]) -> list[dict[str, Any]]:
    """Validated rows of a JSON Lines rules file; blank lines and ``#`` comment lines are skipped."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RulesError(f"{path}: cannot read rules: {error}") from None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise RulesError(f"{path}:{number}: row: not JSON ({error.msg})") from None
        rows.append(validate_row(row, models, str(path), number))
    return rows


def validate_rows(rows: Iterable[Any], models: Mapping[str, type[RuleRow]], source: str = "<rules>") -> list[dict[str, Any]]:
    """Rows built in code, checked like a file's (``source`` names them, the row number stands for the line)."""
    return [validate_row(row, models, source, number) for number, row in enumerate(rows, start=1)]


RULES_DIR_ENV = "ZXEXTRACT_RULES_DIR"


def rules_dir() -> Traversable:
    """Where the packaged tables are read from: ``src/zxextract/rules/``, or the folder named by
    ``$ZXEXTRACT_RULES_DIR`` (a changed copy, to measure a change without reinstalling; read once per process)."""
    override = os.environ.get(RULES_DIR_ENV)
    return Path(override) if override else resources.files("zxextract").joinpath("rules")


@cache
def packaged_bytes(filename: str) -> bytes:
    """The bytes of ``rules/<filename>`` (the gazetteer is gzip), read once."""
    return rules_dir().joinpath(filename).read_bytes()


def packaged_json(filename: str) -> Any:
    """The JSON document ``rules/<filename>`` (``layout.json``: lists, keyed words and regexes as strings)."""
    return json.loads(packaged_bytes(filename).decode("utf-8"))


def _split(line: str) -> list[str]:
    return line.rstrip("\r\n").split("\t")


@cache
def _packaged_lines(filename: str) -> tuple[tuple[int, str], ...]:
    text = packaged_bytes(filename).decode("utf-8")
    return tuple((n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip() and not line.startswith("#"))


class LimitRow(RuleRow):
    """A row of ``rules/limits.tsv``: a length or count one component's rules use."""

    component: str = Field(min_length=1)
    name: str = Field(pattern=r"^[a-z_]+$")
    value: str = Field(pattern=r"^\d+$")
    moves: Literal["both", "down", "up"]  # which moves by one a case must notice (tests/test_thresholds.py)


def limits(component: str) -> dict[str, int]:
    """The limits of ``component`` in ``rules/limits.tsv``, by name."""
    return {row["name"]: int(row["value"]) for row in packaged_table("limits.tsv", LimitRow) if row["component"] == component}


def packaged_table(filename: str, model: type[RuleRow] | None = None) -> tuple[dict[str, str], ...]:
    """Rows of the packaged table ``rules/<filename>`` as dicts, one key per column of its header line.

    Every table has a header (the first line that is no ``#`` comment); a row
    may leave its last cells out, which read as "".  A ``why`` column is
    documentation and is dropped.  With ``model``, each row is validated
    (``file:line: key: reason``).
    """
    lines = _packaged_lines(filename)
    if not lines:
        return ()
    columns, lines = tuple(_split(lines[0][1])), lines[1:]
    rows = []
    for number, line in lines:
        cells = _split(line)
        if len(cells) > len(columns):
            raise RulesError(f"rules/{filename}:{number}: row: {len(cells)} cells for {len(columns)} columns {list(columns)}")
        cells += [""] * (len(columns) - len(cells))
        row = {k: v for k, v in zip(columns, cells) if k != "why"}
        if model is not None:
            _check(model, row, f"rules/{filename}:{number}")
        rows.append(row)
    return tuple(rows)
