"""Run the official EN 16931 and Peppol BIS Billing 3.0 schematron rules on a UBL document.

The rules are the compiled XSLT files in `tests/billing/rules/` (see its README: sources, versions,
licences), run with Saxon-HE (saxonche), since they need XSLT 2.0. The SVRL report is parsed into
findings; `fatal` ones make a document invalid, `warning` ones are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree
from saxonche import PySaxonProcessor, PyXsltExecutable

RULES = Path(__file__).parent / "rules"
RULE_FILES = ("EN16931-UBL-validation.xslt", "PEPPOL-EN16931-UBL.xslt")
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One failed assertion: its rule id (e.g. BR-E-02), flag (fatal or warning), location and text."""

    rule: str
    flag: str
    location: str
    text: str

    def __str__(self) -> str:
        return f"[{self.flag}] {self.rule} at {self.location}: {self.text}"


@cache
def _processor() -> PySaxonProcessor:
    return PySaxonProcessor(license=False)


@cache
def _executable(name: str) -> PyXsltExecutable:
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(RULES / name))


def findings(xml: bytes) -> list[Finding]:
    """Every failed assertion of the EN 16931 and the Peppol BIS 3.0 rules on the UBL `xml`."""
    out: list[Finding] = []
    for name in RULE_FILES:
        node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
        report = etree.fromstring(_executable(name).transform_to_string(xdm_node=node).encode("utf-8"))
        if report.find(f"{SVRL}fired-rule") is None:
            raise AssertionError(f"{name} fired no rule: not a UBL invoice or credit note?")
        out.extend(
            Finding(failed.get("id") or "?", failed.get("flag") or "fatal", failed.get("location") or "",
                    " ".join((failed.findtext(f"{SVRL}text") or "").split()))
            for failed in report.iter(f"{SVRL}failed-assert")
        )
    return out


def fatal(xml: bytes) -> list[str]:
    """The fatal findings as readable lines (empty for a valid e-invoice); warnings are printed."""
    found = findings(xml)
    for warning in (f for f in found if f.flag != "fatal"):
        print(warning)  # shown by pytest -rA; warnings do not fail a document
    return [str(f) for f in found if f.flag == "fatal"]
