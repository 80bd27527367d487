"""The settings' JSON Schema (nbcoach/schemas/config.schema.json) matches what the reader
accepts: the same keys, the same ranges, and README's example validates."""

from __future__ import annotations

import json
import re
import sys
from importlib import resources

import jsonschema
import pytest

from nbcoach.core.config import _TABLES, _TOP_KEYS, parse_table
from nbcoach.core.errors import ConfigError
from support import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SCHEMA = json.loads(
    resources.files("nbcoach").joinpath("schemas/config.schema.json").read_text(encoding="utf-8")
)


def test_the_schema_has_exactly_the_keys_the_reader_knows() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert set(SCHEMA["properties"]) == {*_TOP_KEYS, *_TABLES, "per-file-ignores"}
    for key, kind in _TABLES.items():
        fields = {f.replace("_", "-") for f in kind.__dataclass_fields__}
        assert set(SCHEMA["properties"][key]["properties"]) == fields


def test_readmes_example_is_valid_for_both() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(\[tool\.nbcoach\].*?)```", readme, re.S)
    assert block is not None
    table = tomllib.loads(block.group(1))["tool"]["nbcoach"]
    jsonschema.validate(table, SCHEMA)
    parse_table(table, "README.md")


@pytest.mark.parametrize(
    "table",
    [
        {"weights": {"functions": 150}},
        {"fail-under": 120},
        {"thresholds": {"function-lines": -1}},
        {"unknown-key": 1},
        {"per-file-ignores": {"*.ipynb": "long-function"}},
    ],
)
def test_what_the_reader_refuses_the_schema_refuses(table: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        parse_table(table, "test")
    assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(table))
