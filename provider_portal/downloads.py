"""File downloads: every export leaves the portal through this one helper."""

from __future__ import annotations

import io

from flask import send_file
from werkzeug.wrappers import Response


def attachment(content: bytes | str, filename: str, mimetype: str) -> Response:
    """`content` as a download named `filename` (text is sent as UTF-8)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename)
