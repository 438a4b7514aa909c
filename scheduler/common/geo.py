"""Great-circle distances between homes, cohort venues and exam locations."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Point:
    """A WGS84 coordinate in decimal degrees."""

    lat: float
    lon: float


def haversine_km(a: Point, b: Point) -> float:
    """Distance in km along the earth's surface; within the Netherlands road distance is ~1.3x this."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
