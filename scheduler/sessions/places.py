"""Dutch municipalities (approximate town-centre coordinates) grouped in labour-market regions.

The generator draws learners and venues from these; weights are rough relative numbers of
statushouders and family migrants, not official figures.
"""

from __future__ import annotations

Place = tuple[str, float, float, float]  # name, lat, lon, weight

REGIONS: tuple[tuple[str, tuple[Place, ...]], ...] = (
    ("Groot-Amsterdam", (("Amsterdam", 52.370, 4.895, 10), ("Zaanstad", 52.457, 4.751, 2),
                         ("Amstelveen", 52.303, 4.862, 1.5), ("Haarlemmermeer", 52.302, 4.690, 1.5),
                         ("Purmerend", 52.505, 4.959, 1), ("Haarlem", 52.381, 4.637, 2))),
    ("Rijnmond", (("Rotterdam", 51.922, 4.479, 9), ("Schiedam", 51.919, 4.399, 1.5),
                  ("Vlaardingen", 51.912, 4.341, 1.2), ("Capelle aan den IJssel", 51.929, 4.578, 1.2),
                  ("Nissewaard", 51.845, 4.329, 1), ("Dordrecht", 51.813, 4.690, 2))),
    ("Haaglanden", (("Den Haag", 52.070, 4.300, 8), ("Delft", 52.012, 4.357, 1.5),
                    ("Zoetermeer", 52.060, 4.494, 2), ("Leiden", 52.160, 4.497, 2),
                    ("Westland", 51.994, 4.209, 1), ("Rijswijk", 52.036, 4.325, 1))),
    ("Midden-Utrecht", (("Utrecht", 52.091, 5.122, 6), ("Amersfoort", 52.156, 5.388, 2.5),
                        ("Nieuwegein", 52.029, 5.081, 1.2), ("Zeist", 52.089, 5.233, 1),
                        ("Veenendaal", 52.028, 5.559, 1))),
    ("Zuidoost-Brabant", (("Eindhoven", 51.441, 5.470, 4), ("Helmond", 51.481, 5.661, 1.5),
                          ("Veldhoven", 51.420, 5.405, 0.6), ("Geldrop-Mierlo", 51.421, 5.558, 0.4))),
    ("Midden- en West-Brabant", (("Tilburg", 51.561, 5.091, 3), ("Breda", 51.589, 4.776, 2.5),
                                 ("'s-Hertogenbosch", 51.699, 5.304, 2.5), ("Oss", 51.765, 5.519, 1),
                                 ("Waalwijk", 51.687, 5.070, 0.6))),
    ("Gelderland", (("Arnhem", 51.985, 5.899, 2.5), ("Nijmegen", 51.842, 5.853, 3),
                    ("Ede", 52.040, 5.667, 1.2), ("Apeldoorn", 52.211, 5.970, 2))),
    ("Overijssel", (("Enschede", 52.221, 6.894, 2.5), ("Hengelo", 52.266, 6.793, 1.2),
                    ("Almelo", 52.357, 6.662, 1), ("Zwolle", 52.517, 6.083, 2),
                    ("Deventer", 52.255, 6.163, 1.2))),
    ("Noord-Nederland", (("Groningen", 53.219, 6.567, 3), ("Assen", 52.993, 6.562, 1),
                         ("Leeuwarden", 53.201, 5.800, 1.5), ("Emmen", 52.779, 6.907, 1),
                         ("Smallingerland", 53.107, 6.099, 0.6))),
    ("Limburg", (("Maastricht", 50.851, 5.691, 1.8), ("Heerlen", 50.888, 5.979, 1.5),
                 ("Sittard-Geleen", 51.000, 5.869, 1), ("Venlo", 51.370, 6.172, 1.2),
                 ("Roermond", 51.194, 5.987, 0.8))),
    ("Flevoland en Gooi", (("Almere", 52.371, 5.222, 3), ("Lelystad", 52.518, 5.471, 1.2),
                           ("Hilversum", 52.223, 5.176, 1.2), ("Huizen", 52.299, 5.242, 0.5))),
    ("Noord-Holland Noord", (("Alkmaar", 52.632, 4.748, 1.5), ("Hoorn", 52.642, 5.060, 1),
                             ("Den Helder", 52.959, 4.760, 0.8), ("Dijk en Waard", 52.669, 4.830, 0.6))),
)

# Native languages of newcomers and a rough share; Dutch is added as a second language for many.
LANGUAGES: tuple[tuple[str, float], ...] = (
    ("Arabic", 0.26), ("Tigrinya", 0.14), ("Ukrainian", 0.14), ("Turkish", 0.11), ("Dari", 0.09),
    ("Farsi", 0.07), ("Somali", 0.05), ("Kurdish", 0.05), ("Polish", 0.04), ("Spanish", 0.05),
)

# Route shares (seed 002): most learners take the B1-route.
ROUTES: tuple[tuple[str, float], ...] = (("b1", 0.58), ("z", 0.17), ("entree", 0.13),
                                         ("onderwijs", 0.12))

ROUTE_MODULES: dict[str, tuple[str, ...]] = {
    "KNM": ("b1", "entree", "onderwijs", "z"),
    "PVT": ("b1", "entree", "onderwijs", "z"),
    "MAP": ("b1", "z"),
}
