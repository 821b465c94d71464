"""Every PDF is drawn by `core.pdf` in the bundled font: French text read back by a
third-party reader is the text that was written, "œ", "É", « » and the non-breaking
spaces of French typography included. pdfminer.six reads the text (it keeps U+00A0, which
pypdf's extraction turns into a plain space); pypdf reads the metadata."""

import io
import re
import tomllib
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text
from pypdf import PdfReader

from tisser.core.pdf import FONT_DIR, Document, font_files, one_line

ROOT = Path(__file__).resolve().parents[3]
FRENCH = (
    "Cœur d’Éole\u00a0: «\u00a0Œuvre solidaire\u00a0» à 12\u00a0€, 3\u202fplaces\u00a0; ÇA\u00a0!"
)


def text_of(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return extract_text(io.BytesIO(content))


def draw(text: str, **kwargs) -> bytes:
    pdf = Document(title=text)
    pdf.add_page()
    pdf.line_of_text(text, **kwargs)
    pdf.grid([["Nom", "Ville"], [text, "Saint-Étienne"]], [90, 60])
    return pdf.to_bytes()


def test_french_characters_survive_the_round_trip():
    text = text_of(draw(FRENCH))
    for piece in ("œ", "Œ", "É", "Ç", "«\u00a0Œuvre", "solidaire\u00a0»", "’", "Éole\u00a0:"):
        assert piece in text, piece
    assert "12\u00a0€" in text  # the non-breaking space is a character, not a plain space
    assert "3\u202fplaces" in text and "places\u00a0;" in text and "ÇA\u00a0!" in text
    assert "oe" not in text.lower()  # never spelt out as "oe"
    assert FRENCH in text  # the paragraph, unchanged
    assert "Saint-Étienne" in text  # the table


def test_bold_text_survives_too():
    assert FRENCH in text_of(draw(FRENCH, bold=True, size=16))


def test_the_title_is_kept_in_the_metadata():
    reader = PdfReader(io.BytesIO(draw(FRENCH)))
    assert reader.metadata.title == FRENCH


def test_the_bundled_font_is_used_unless_a_working_one_is_set(settings, tmp_path):
    assert font_files() == (FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf")
    assert all(path.is_file() for path in font_files())
    assert (FONT_DIR / "LICENSE").read_text().count("Bitstream") >= 1
    settings.TISSER_PDF_FONT = str(tmp_path / "missing.ttf")
    assert font_files()[0] == FONT_DIR / "DejaVuSans.ttf"
    settings.TISSER_PDF_FONT = str(FONT_DIR / "DejaVuSans-Bold.ttf")
    assert font_files() == (FONT_DIR / "DejaVuSans-Bold.ttf",) * 2
    assert "Éole" in text_of(draw("Éole"))


def test_one_line_keeps_non_breaking_spaces_and_joins_lines():
    assert one_line(" a\n b\tc\u00a0!  ") == "a b c\u00a0!"
    assert one_line(None) == ""


@pytest.mark.parametrize("word", ["fpdf", "reportlab"])
def test_only_core_pdf_talks_to_the_pdf_library(word):
    """One PDF library (fpdf2), one module that uses it; ReportLab is no dependency."""
    pattern = re.compile(rf"^\s*(from|import)\s+{word}\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tisser").rglob("*.py")
        if "tests" not in path.parts and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == ([] if word == "reportlab" else ["tisser/core/pdf.py"])
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any(d.startswith("reportlab") for d in dependencies["dependencies"])


def test_a_line_never_breaks_at_a_non_breaking_space():
    pdf = Document()
    pdf.add_page()
    pdf.font(11)
    pdf.multi_cell(30, 5, " ".join(["12\u00a0€"] * 20))
    lines = [line for line in text_of(pdf.to_bytes()).splitlines() if line.strip()]
    assert len(lines) > 3  # wrapped
    pieces = [piece for line in lines for piece in re.split(" +", line.strip())]
    assert pieces == ["12\u00a0€"] * 20, lines
