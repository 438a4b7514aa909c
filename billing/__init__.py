"""DUO billing core: quarterly invoice lines under the cap, plus the DUO, UBL, PDF and XLSX exports.

A pure domain core: plain frozen dataclasses in, results out. It imports neither Flask nor the
database, so the portal, the CLI (`python -m billing`) and the tests use it alike. Money is held
in integer euro cents throughout; see docs/billing.md for the rounding rules.
"""
