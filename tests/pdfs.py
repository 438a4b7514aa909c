"""Reading PDFs in tests: their text, and the web links they would open."""

from __future__ import annotations

import io

from pypdf import PdfReader

# A learner renamed to reportlab markup: a link to another site and an image from the server's disk.
MARKUP_FIRST, MARKUP_LAST = '<a href="https://evil.example">x</a>', '<img src="/etc/passwd"/> & Co'
MARKUP_NAME = f"{MARKUP_FIRST} {MARKUP_LAST}"
FORMULA_NAME = '=HYPERLINK("http://x","y")'


def pdf_text(data: bytes) -> str:
    """All text of a PDF, pages joined, line breaks as spaces (a long name may wrap)."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(page.extract_text().replace("\n", " ") for page in pages)


def uri_links(data: bytes) -> list[str]:
    """Every URI a link annotation of the PDF would open, and every image drawn on its pages."""
    found: list[str] = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            found.append(str(action.get("/URI", annotation.get_object().get("/Subtype"))))
        found.extend(f"image {image.name}" for image in page.images)
    return found
