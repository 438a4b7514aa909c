"""DejaVu Sans, embedded in every PDF so that names such as Şahin, Yılmaz or Ağaoğlu print as written.

reportlab's built-in Helvetica only knows Latin-1 and draws a black box for ş, ı, ğ and the like.
The TrueType files ship inside this package (with their LICENSE), so a fresh install has them.
The portal's PDFs reuse this module; it imports nothing of the portal.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FONT_DIR = Path(__file__).parent
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
# The sample stylesheet's Helvetica faces and what replaces them (no italic face is shipped).
_REPLACEMENTS = {"Helvetica": REGULAR, "Helvetica-Bold": BOLD,
                 "Helvetica-Oblique": REGULAR, "Helvetica-BoldOblique": BOLD}


def register_fonts() -> None:
    """Register the regular and bold faces with reportlab, once per process."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in _FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    # <b> in a Paragraph picks the bold face; italic falls back to the upright ones.
    for bold, italic, face in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, REGULAR), (1, 1, BOLD)):
        addMapping(REGULAR, bold, italic, face)


def stylesheet() -> StyleSheet1:
    """reportlab's sample paragraph styles, set in the embedded Unicode font."""
    register_fonts()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        font = getattr(style, "fontName", None)
        if font in _REPLACEMENTS:
            style.fontName = _REPLACEMENTS[font]
        if getattr(style, "bulletFontName", None) in _REPLACEMENTS:
            style.bulletFontName = _REPLACEMENTS[style.bulletFontName]
    return styles


def table_font_commands() -> list[tuple[object, ...]]:
    """TableStyle commands that set a table in the embedded font, its header row in bold."""
    register_fonts()
    return [("FONTNAME", (0, 0), (-1, -1), REGULAR), ("FONTNAME", (0, 0), (-1, 0), BOLD)]


def para(text: object, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of plain text: `<`, `>` and `&` are escaped, so a learner's name never becomes markup.

    reportlab reads a Paragraph's text as markup (`<a href>`, `<img src>` from the server's disk),
    so every PDF writer builds its paragraphs here. A newline in `text` becomes a line break.
    """
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)
