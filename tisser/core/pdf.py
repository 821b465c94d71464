"""Every PDF Tisser prints (badges, attendance sheets, certificates, minutes, shortlists)
is drawn with fpdf2 in the one font bundled in `core/fonts/`: DejaVu Sans, which covers
all of French ("œ", "É", « », the non-breaking spaces of French typography), so a name
prints as it was typed on every machine, whatever fonts the system has.

An administrator may point `TISSER_PDF_FONT` (and `TISSER_PDF_FONT_BOLD`) at another
TrueType font, for instance for a script DejaVu lacks.
"""

from __future__ import annotations

import logging
import re
from functools import wraps
from pathlib import Path

from django.conf import settings
from fpdf import FPDF, FontFace, XPos, YPos
from fpdf import line_break as fpdf_line_break

__all__ = ["FONT_DIR", "Document", "XPos", "YPos", "font_files", "one_line"]

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "body"
# fpdf2 subsets fonts with fontTools, which logs every table at INFO: not worth a log line.
logging.getLogger("fontTools").setLevel(logging.WARNING)

#: Line breaks and tabs become spaces; the non-breaking spaces (U+00A0, U+202F) stay.
_BREAKS = re.compile(r"[ \t\r\n\f\v]+")


def _keep_no_break_spaces(add_character):
    """fpdf2's line breaker keeps U+00A0 from breaking a line but then writes it as a plain
    space (for word spacing in justified text, which Tisser never uses): the PDF's text
    layer, what a reader copies or a screen reader says, would lose French typography.
    This puts the character back once the line breaker has placed it."""

    @wraps(add_character)
    def add(self, character, *args, **kwargs):
        add_character(self, character, *args, **kwargs)
        if character == "\u00a0" and self.fragments:
            characters = self.fragments[-1].characters
            if characters and characters[-1] == " ":
                characters[-1] = character

    add.keeps_no_break_spaces = True
    return add


if not getattr(fpdf_line_break.CurrentLine.add_character, "keeps_no_break_spaces", False):
    fpdf_line_break.CurrentLine.add_character = _keep_no_break_spaces(
        fpdf_line_break.CurrentLine.add_character
    )


def font_files() -> tuple[Path, Path]:
    """The regular and bold TrueType files: the administrator's if set, else the bundled."""
    custom = getattr(settings, "TISSER_PDF_FONT", "") or ""
    if custom and Path(custom).is_file():
        bold = getattr(settings, "TISSER_PDF_FONT_BOLD", "") or ""
        return Path(custom), Path(bold) if bold and Path(bold).is_file() else Path(custom)
    return FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"


def one_line(value) -> str:
    """The value as one line of text (None is empty), non-breaking spaces kept."""
    return _BREAKS.sub(" ", str(value if value is not None else "")).strip()


class Document(FPDF):
    """An A4 page (mm) in the bundled font, with the few helpers Tisser's documents share."""

    def __init__(self, *, orientation: str = "P", title: str = "", author: str = ""):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        regular, bold = font_files()
        self.add_font(FAMILY, "", str(regular))
        self.add_font(FAMILY, "B", str(bold))
        self.set_font(FAMILY, size=11)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_creator(str(getattr(settings, "NETWORK_NAME", "Tisser")))
        self.set_title(str(title or "Tisser"))
        if author:
            self.set_author(str(author))

    def font(self, size: float, *, bold: bool = False) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)

    def line_of_text(self, text, *, size: float = 11, bold: bool = False, height=None, align="L"):
        """One paragraph at the full width, wrapped, the cursor moved below it."""
        self.font(size, bold=bold)
        self.multi_cell(
            0,
            height or size * 0.5,
            one_line(text),
            align=align,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    def heading(self, text, *, size: float = 14) -> None:
        self.ln(2)
        self.line_of_text(text, size=size, bold=True, height=size * 0.55)
        self.ln(1)

    def grid(self, rows: list[list], widths: list[float], *, size: float = 9) -> None:
        """A table whose first row is the heading (repeated on each page); cells wrap."""
        self.font(size)
        with self.table(
            col_widths=widths,
            width=sum(widths),
            align="LEFT",
            text_align="LEFT",
            line_height=size * 0.5,
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 242, 236)),
            repeat_headings=1,
        ) as table:
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(one_line(value))
        self.ln(2)

    def to_bytes(self) -> bytes:
        return bytes(self.output())
