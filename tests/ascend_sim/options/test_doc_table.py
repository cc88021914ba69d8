"""docs/options.md carries the key table as generated from KEYS, so the page documents every key as parsed."""
import pathlib

from ascend_sim.options import KEYS
from ascend_sim.options.doc_table import markdown_tables

DOC = pathlib.Path(__file__).resolve().parents[3] / "docs" / "options.md"


def _section():
    text = DOC.read_text(encoding="utf-8")
    return text.split("<!-- keys -->\n", 1)[1].split("\n<!-- /keys -->", 1)[0]


def test_the_docs_table_is_current():
    assert _section() == markdown_tables(), "regenerate the keys section of docs/options.md from markdown_tables()"


def test_every_key_has_one_row_with_its_type_and_default():
    rows = [line for line in _section().splitlines() if line.startswith("| `")]
    assert len(rows) == len(KEYS)
    for spec, row in zip(KEYS, rows):
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        assert cells[0] == f"`{spec.key}`"
        assert f"`.{spec.accessor}`" in cells[1]
        assert cells[2] == ("unset" if spec.default is None else
                            f'`"{spec.default}"`' if isinstance(spec.default, str) else f"`{spec.default}`")
