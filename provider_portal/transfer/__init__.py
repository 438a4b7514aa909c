"""Moving data in and out: CSV/XLSX imports, attendance exports and DUO's monthly contract-data file.

Parsing and validation (`tables`, `cells`, `columns`, `validation`, `duo`) are pure so they can be
tested without a database; `importer`, `attendance` and `views` touch the session.
"""
