"""Reading a rendered page as a browser would: its links, its GET forms, its ids and visible text.

Used by the crawl (tests/provider_portal/test_crawl.py) and by page tests that check one page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

INVISIBLE = {"script", "style", "template"}  # the <title> is read: it names the tab
LITERAL = {"code", "kbd", "samp"}  # file formats' own names (CSV columns), not words of the page
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SEARCH_NAMES = {"q", "query", "search", "bsn", "zoek"}
# Attributes whose text a reader sees or hears (screen readers read aria-label and title).
SPOKEN = ("placeholder", "title", "aria-label", "alt")


@dataclass
class GetForm:
    """A form submitted with GET, with the values a browser would send untouched."""

    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)  # each select's option values
    search_fields: list[str] = field(default_factory=list)  # search boxes, where a BSN may be typed
    limits: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)  # pattern, maxlength

    def accepts(self, name: str, value: str) -> bool:
        """Whether a browser submits `value` in field `name` (HTML constraint validation:
        `pattern` must match the whole value, `maxlength` bounds its length)."""
        pattern, maxlength = self.limits.get(name, (None, None))
        if maxlength is not None and len(value) > maxlength:
            return False
        return pattern is None or re.fullmatch(f"(?:{pattern})", value) is not None

    def url(self, page_url: str, fields: list[tuple[str, str]] | None = None) -> str:
        """The URL a browser opens when the form is submitted as it is (or with `fields`)."""
        fields = self.fields if fields is None else fields
        target = self.action or page_url.split("?")[0]
        return target + ("?" + urlencode(fields) if fields else "")

    def variants(self, page_url: str) -> list[str]:
        """The form as it is, then each select set to each of its options, the others to their first
        (so a filter page, whatever it selects, offers the same variants: no combinations)."""
        base = [(k, self.options[k][0] if k in self.options else v) for k, v in self.fields]
        urls = [self.url(page_url)]
        for name, values in self.options.items():
            urls += [self.url(page_url, [(k, value if k == name else v) for k, v in base])
                     for value in values]
        return urls


@dataclass
class Page:
    """What the crawl needs from one HTML page."""

    links: list[str] = field(default_factory=list)
    forms: list[GetForm] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    label_targets: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def duplicate_ids(self) -> list[str]:
        return sorted(name for name, count in Counter(self.ids).items() if count > 1)

    @property
    def dangling_labels(self) -> list[str]:
        """`<label for>` values that name no element of the page."""
        return sorted(set(self.label_targets) - set(self.ids))

    @property
    def visible_text(self) -> str:
        return " \n ".join(self.texts)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.hidden_depth = 0
        self.form: GetForm | None = None
        self.select: tuple[str, list[str], str | None] | None = None  # name, options, selected
        self.option_value: str | None = None
        self.option_text: list[str] = []
        self.textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.page.ids.append(a["id"])
        if tag in INVISIBLE or tag in LITERAL:
            self.hidden_depth += 1
        if tag == "label" and a.get("for"):
            self.page.label_targets.append(a["for"])
        if tag == "a" and "href" in a:
            self.page.links.append(a["href"])
        for name in SPOKEN:
            if a.get(name) and not self.hidden_depth:
                self.page.texts.append(a[name])
        if tag == "form":
            self.form = GetForm(a.get("action", "")) if a.get("method", "get").lower() == "get" else None
        elif tag == "input":
            self._input(a)
        elif tag == "select" and "name" in a:
            self.select = (a["name"], [], None)
        elif tag == "option" and self.select is not None:
            self.option_value, self.option_text = a.get("value"), []
            if "selected" in a:
                self.select = (self.select[0], self.select[1], self.option_value)
        elif tag == "textarea" and "name" in a:
            self.textarea = (a["name"], [])

    def _input(self, a: dict[str, str]) -> None:
        kind = a.get("type", "text").lower()
        if kind in ("submit", "button", "reset") and a.get("value"):
            self.page.texts.append(a["value"])
        if self.form is None or not a.get("name") or "disabled" in a:
            return
        if kind in ("checkbox", "radio") and "checked" not in a:
            return
        if kind in ("submit", "button", "reset", "image", "file"):
            return
        if kind == "search" or (kind == "text" and a["name"] in SEARCH_NAMES):
            self.form.search_fields.append(a["name"])
            most = a.get("maxlength", "")
            self.form.limits[a["name"]] = (a.get("pattern") or None, int(most) if most.isdigit() else None)
        self.form.fields.append((a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else "")))

    def handle_endtag(self, tag: str) -> None:
        if (tag in INVISIBLE or tag in LITERAL) and self.hidden_depth:
            self.hidden_depth -= 1
        if tag == "option" and self.select is not None:
            value = self.option_value if self.option_value is not None else "".join(self.option_text).strip()
            self.select[1].append(value)
            if self.select[2] == self.option_value and self.option_value is None:
                self.select = (self.select[0], self.select[1], value)
            self.option_value = None
        elif tag == "select" and self.select is not None:
            name, options, selected = self.select
            if self.form is not None and options:
                self.form.fields.append((name, selected if selected is not None else options[0]))
                self.form.options[name] = options
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            if self.form is not None:
                self.form.fields.append((self.textarea[0], "".join(self.textarea[1])))
            self.textarea = None
        elif tag == "form" and self.form is not None:
            self.page.forms.append(self.form)
            self.form = None

    def handle_data(self, data: str) -> None:
        if self.select is not None:
            self.option_text.append(data)
        if self.textarea is not None:
            self.textarea[1].append(data)
            return
        text = " ".join(data.split())
        if text and not self.hidden_depth:
            self.page.texts.append(text)


def read_page(html: str) -> Page:
    """Parse `html` into links, GET forms, ids, label targets and visible text."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page


def assert_unique_ids(html: str) -> None:
    """Fail when two elements of the page share an id, or a label points at no element."""
    page = read_page(html)
    assert not page.duplicate_ids, f"duplicate ids: {page.duplicate_ids}"
    assert not page.dangling_labels, f"labels for missing ids: {page.dangling_labels}"
