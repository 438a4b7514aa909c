"""Response headers that keep the portal's pages in their own frame and out of shared caches.

One `after_request` hook: a Content-Security-Policy that allows only the portal's own scripts,
styles and images (the QR code and charts are inline SVG, which needs no exception), no framing,
no MIME sniffing, no referrer to other sites, HSTS in production, and `Cache-Control: no-store` on
every response to a logged-in user (pages and downloads hold personal data), so the browser's
back button after logout and a shared proxy show nothing.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import current_user
from werkzeug.wrappers import Response

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(response: Response) -> Response:
    """`after_request`: the headers above on every response (error pages and downloads too)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config.get("PORTAL_ENV") == "production":
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint != "static" and current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    return response


def register_security_headers(app: Flask) -> None:
    """Install the hook on the app."""
    app.after_request(security_headers)
