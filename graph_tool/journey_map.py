"""A victim's journey on a map drawn locally as SVG: no tile server, no request anywhere.

Places come from the case itself: an address's latitude and longitude where recorded,
otherwise the centroid of the event's country (a small built-in table). Every text is
escaped before it reaches the SVG.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph_tool.analysis.paths import Journey
from graph_tool.model import Label

# Approximate country centroids (lat, lon) for the regions this tool's cases span.
CENTROIDS: dict[str, tuple[float, float]] = {
    "VN": (16.2, 107.8), "KH": (12.6, 104.9), "LA": (18.2, 103.9), "MM": (21.0, 96.0), "CN": (35.0, 104.0),
    "TH": (15.1, 101.0), "MY": (4.2, 102.0), "ID": (-2.5, 118.0), "PH": (12.9, 121.8), "NP": (28.4, 84.1),
    "IN": (22.0, 79.0), "BD": (23.7, 90.4), "PK": (30.4, 69.3), "AF": (33.9, 67.7), "HK": (22.3, 114.2),
    "MO": (22.2, 113.5), "TW": (23.7, 121.0), "KR": (36.5, 127.9), "JP": (36.2, 138.3), "SG": (1.35, 103.8),
    "AE": (24.0, 54.0), "SA": (24.0, 45.0), "QA": (25.3, 51.2), "KW": (29.3, 47.5), "TR": (39.0, 35.0),
    "RO": (45.9, 24.9), "BG": (42.7, 25.5), "MD": (47.4, 28.4), "UA": (48.4, 31.2), "RU": (61.5, 105.3),
    "PL": (51.9, 19.1), "DE": (51.2, 10.5), "FR": (46.2, 2.2), "ES": (40.5, -3.7), "IT": (41.9, 12.6),
    "GB": (54.0, -2.0), "IE": (53.4, -8.2), "NL": (52.1, 5.3), "BE": (50.5, 4.5), "CY": (35.1, 33.4),
    "GR": (39.1, 21.8), "AL": (41.2, 20.2), "RS": (44.0, 21.0), "HU": (47.2, 19.5), "AT": (47.5, 14.6),
    "NG": (9.1, 8.7), "GH": (7.9, -1.0), "TG": (8.6, 0.8), "BJ": (9.3, 2.3), "CI": (7.5, -5.5),
    "ET": (9.1, 40.5), "ER": (15.2, 39.8), "SD": (12.9, 30.2), "LY": (26.3, 17.2), "EG": (26.8, 30.8),
    "MA": (31.8, -7.1), "KE": (-0.0, 37.9), "ZA": (-30.6, 22.9), "US": (37.1, -95.7), "MX": (23.6, -102.6),
    "BR": (-14.2, -51.9), "CO": (4.6, -74.3), "VE": (6.4, -66.6),
}  # fmt: skip


@dataclass(frozen=True)
class MapPoint:
    """One step placed on the map."""

    index: int
    lat: float
    lon: float
    label: str
    date: str | None
    exact: bool  # from recorded coordinates, not a country centroid


def journey_points(g: nx.Graph, journey: Journey) -> list[MapPoint]:
    """Where each step of a journey happened, when the case says.

    >>> import networkx as nx
    >>> from graph_tool.analysis.paths import victim_journey
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("v", label="Person", roles=["victim"])
    >>> g.add_node("e1", label="Event", event_type="border_crossing", date="2023-02-20",
    ...            country="CN", from_country="VN")
    >>> _ = g.add_edge("v", "e1", type="PARTICIPATED_IN")
    >>> [(p.label, p.lat) for p in journey_points(g, victim_journey(g, "v"))]
    [('VN', 16.2), ('CN', 35.0)]
    """
    points: list[MapPoint] = []
    for step in journey.steps:
        node = step.node_id
        data: dict[str, Any] = dict(g.nodes[node]) if node in g else {}
        lat, lon = data.get("lat"), data.get("lon")
        if data.get("label") == Label.ADDRESS and lat is not None and lon is not None:
            points.append(MapPoint(step.index, float(lat), float(lon), str(data.get("city") or ""), step.date, True))
            continue
        if data.get("label") != Label.EVENT:
            continue
        place = _event_place(g, node)
        if place is not None:
            points.append(MapPoint(step.index, place[0], place[1], str(data.get("place") or ""), step.date, True))
            continue
        origin = str(data.get("from_country") or "")
        country = str(data.get("country") or "")
        if origin in CENTROIDS and origin != country:
            points.append(MapPoint(step.index, *CENTROIDS[origin], origin, step.date, False))
        if country in CENTROIDS:
            points.append(MapPoint(step.index, *CENTROIDS[country], country, step.date, False))
    return points


def _event_place(g: nx.Graph, event: Any) -> tuple[float, float] | None:
    """Coordinates of an address the event is located at, if any."""
    for _, target in g.out_edges(event) if isinstance(g, nx.DiGraph) else []:
        node = g.nodes[target]
        if node.get("label") == Label.ADDRESS and node.get("lat") is not None and node.get("lon") is not None:
            return float(node["lat"]), float(node["lon"])
    return None


def journey_map_svg(g: nx.Graph, journey: Journey, width: int = 900, height: int = 460) -> str:
    """The journey as an SVG map (equirectangular), or ``""`` when no step has a place."""
    points = journey_points(g, journey)
    if not points:
        return ""
    lats = [p.lat for p in points]
    lons = [p.lon for p in points]
    pad = 6.0
    south, north = min(lats) - pad, max(lats) + pad
    west, east = min(lons) - pad * 1.5, max(lons) + pad * 1.5

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (
            round((lon - west) / max(east - west, 1e-6) * (width - 40) + 20, 1),
            round((north - lat) / max(north - south, 1e-6) * (height - 40) + 20, 1),
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'role="img" aria-label="journey map" style="background:#f4f7fb;border:1px solid #ccd">'
    ]
    for meridian in range(int(west) // 10 * 10, int(east) + 10, 10):  # graticule, every 10 degrees
        x, _ = xy(0, meridian)
        parts.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{height}" stroke="#dde3ea" stroke-width="1"/>')
    for parallel in range(int(south) // 10 * 10, int(north) + 10, 10):
        _, y = xy(parallel, 0)
        parts.append(f'<line x1="0" y1="{y}" x2="{width}" y2="{y}" stroke="#dde3ea" stroke-width="1"/>')
    for code, (lat, lon) in CENTROIDS.items():
        if south <= lat <= north and west <= lon <= east:
            x, y = xy(lat, lon)
            parts.append(f'<text x="{x}" y="{y}" font-size="11" fill="#9aa7b5" text-anchor="middle">{code}</text>')
    coords = [xy(p.lat, p.lon) for p in points]
    if len(coords) > 1:
        path = " ".join(f"{x},{y}" for x, y in coords)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="#c0392b" stroke-width="2" stroke-dasharray="6 3"/>'
        )
    for n, (p, (x, y)) in enumerate(zip(points, coords, strict=True), 1):
        label = html.escape(f"{n}. {p.date or '?'} {p.label}")
        colour = "#c0392b" if p.exact else "#e67e22"
        parts.append(f'<circle cx="{x}" cy="{y}" r="6" fill="{colour}"><title>{label}</title></circle>')
        parts.append(f'<text x="{x + 8}" y="{y - 8}" font-size="12" fill="#222">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)
