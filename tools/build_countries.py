"""Generate ``streams/knowledge/data/countries.jsonl`` from pycountry.

Country names (short, common and official) come from pycountry's ISO 3166-1
data; nothing here types a country name by hand except the few widely used
short forms in ``_SHORT`` that ISO does not list ("Russia", "Britain").
Demonyms, capitals and seats of government come from the table below, which
follows the CIA World Factbook "Nationality" and "Capital" fields and
Wikipedia's "List of adjectival and demonymic forms for countries and nations"
(CC BY-SA 4.0); see ``streams/knowledge/data/SOURCES.md``.

Run: ``python tools/build_countries.py [output.jsonl]``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pycountry

__all__ = ["build_rows", "main"]

# UN General Assembly non-member observer states count as states too.
_OBSERVERS = frozenset({"VAT", "PSE"})

# alpha-3: demonyms (adjective first, then plural nouns) ; capital ; seats of
# government used as metonyms. One row per UN member state and observer.
_TABLE = """
AFG: Afghan,Afghans; Kabul;
ALB: Albanian,Albanians; Tirana;
DZA: Algerian,Algerians; Algiers;
AND: Andorran,Andorrans; Andorra la Vella;
AGO: Angolan,Angolans; Luanda;
ATG: Antiguan,Antiguans; Saint John's;
ARG: Argentine,Argentinian,Argentines,Argentinians; Buenos Aires; Casa Rosada
ARM: Armenian,Armenians; Yerevan;
AUS: Australian,Australians; Canberra;
AUT: Austrian,Austrians; Vienna;
AZE: Azerbaijani,Azerbaijanis,Azeri,Azeris; Baku;
BHS: Bahamian,Bahamians; Nassau;
BHR: Bahraini,Bahrainis; Manama;
BGD: Bangladeshi,Bangladeshis; Dhaka;
BRB: Barbadian,Barbadians; Bridgetown;
BLR: Belarusian,Belarusians; Minsk;
BEL: Belgian,Belgians; Brussels;
BLZ: Belizean,Belizeans; Belmopan;
BEN: Beninese; Porto-Novo;
BTN: Bhutanese; Thimphu;
BOL: Bolivian,Bolivians; Sucre;
BIH: Bosnian,Bosnians; Sarajevo;
BWA: Botswanan,Batswana; Gaborone;
BRA: Brazilian,Brazilians; Brasilia; Planalto
BRN: Bruneian,Bruneians; Bandar Seri Begawan;
BGR: Bulgarian,Bulgarians; Sofia;
BFA: Burkinabe; Ouagadougou;
BDI: Burundian,Burundians; Gitega;
CPV: Cabo Verdean,Cape Verdean,Cabo Verdeans,Cape Verdeans; Praia;
KHM: Cambodian,Cambodians; Phnom Penh;
CMR: Cameroonian,Cameroonians; Yaounde;
CAN: Canadian,Canadians; Ottawa;
CAF: Central African,Central Africans; Bangui;
TCD: Chadian,Chadians; N'Djamena;
CHL: Chilean,Chileans; Santiago;
CHN: Chinese; Beijing; Zhongnanhai
COL: Colombian,Colombians; Bogota; Casa de Narino
COM: Comoran,Comorans; Moroni;
COG: ; Brazzaville;
COD: Congolese; Kinshasa;
CRI: Costa Rican,Costa Ricans; San Jose;
CIV: Ivorian,Ivorians; Yamoussoukro;
HRV: Croatian,Croat,Croatians,Croats; Zagreb;
CUB: Cuban,Cubans; Havana;
CYP: Cypriot,Cypriots; Nicosia;
CZE: Czech,Czechs; Prague;
DNK: Danish,Dane,Danes; Copenhagen;
DJI: Djiboutian,Djiboutians; Djibouti;
DMA: ; Roseau;
DOM: Dominican,Dominicans; Santo Domingo;
ECU: Ecuadorian,Ecuadorians; Quito;
EGY: Egyptian,Egyptians; Cairo;
SLV: Salvadoran,Salvadorans; San Salvador;
GNQ: Equatorial Guinean,Equatoguinean,Equatorial Guineans; Malabo;
ERI: Eritrean,Eritreans; Asmara;
EST: Estonian,Estonians; Tallinn;
SWZ: Swazi,Swazis,Liswati,Emaswati; Mbabane;
ETH: Ethiopian,Ethiopians; Addis Ababa;
FJI: Fijian,Fijians; Suva;
FIN: Finnish,Finn,Finns; Helsinki;
FRA: French,Frenchman,Frenchmen; Paris; Elysee,Elysee Palace,Quai d'Orsay
GAB: Gabonese; Libreville;
GMB: Gambian,Gambians; Banjul;
GEO: Georgian,Georgians; Tbilisi;
DEU: German,Germans; Berlin;
GHA: Ghanaian,Ghanaians; Accra;
GRC: Greek,Greeks; Athens;
GRD: Grenadian,Grenadians; Saint George's;
GTM: Guatemalan,Guatemalans; Guatemala City;
GIN: Guinean,Guineans; Conakry;
GNB: Bissau-Guinean,Bissau-Guineans; Bissau;
GUY: Guyanese; Georgetown;
HTI: Haitian,Haitians; Port-au-Prince;
HND: Honduran,Hondurans; Tegucigalpa;
HUN: Hungarian,Hungarians; Budapest;
ISL: Icelandic,Icelander,Icelanders; Reykjavik;
IND: Indian,Indians; New Delhi;
IDN: Indonesian,Indonesians; Jakarta;
IRN: Iranian,Iranians; Tehran;
IRQ: Iraqi,Iraqis; Baghdad;
IRL: Irish; Dublin;
ISR: Israeli,Israelis; Jerusalem;
ITA: Italian,Italians; Rome; Palazzo Chigi
JAM: Jamaican,Jamaicans; Kingston;
JPN: Japanese; Tokyo;
JOR: Jordanian,Jordanians; Amman;
KAZ: Kazakh,Kazakhstani,Kazakhs,Kazakhstanis; Astana;
KEN: Kenyan,Kenyans; Nairobi;
KIR: I-Kiribati; Tarawa;
PRK: North Korean,North Koreans; Pyongyang;
KOR: South Korean,South Koreans; Seoul;
KWT: Kuwaiti,Kuwaitis; Kuwait City;
KGZ: Kyrgyz,Kyrgyzstani,Kyrgyzstanis; Bishkek;
LAO: Lao,Laotian,Laotians; Vientiane;
LVA: Latvian,Latvians; Riga;
LBN: Lebanese; Beirut;
LSO: Basotho,Mosotho; Maseru;
LBR: Liberian,Liberians; Monrovia;
LBY: Libyan,Libyans; Tripoli;
LIE: Liechtensteiner,Liechtensteiners; Vaduz;
LTU: Lithuanian,Lithuanians; Vilnius;
LUX: Luxembourgish,Luxembourger,Luxembourgers; Luxembourg City;
MDG: Malagasy; Antananarivo;
MWI: Malawian,Malawians; Lilongwe;
MYS: Malaysian,Malaysians; Kuala Lumpur;
MDV: Maldivian,Maldivians; Male;
MLI: Malian,Malians; Bamako;
MLT: Maltese; Valletta;
MHL: Marshallese; Majuro;
MRT: Mauritanian,Mauritanians; Nouakchott;
MUS: Mauritian,Mauritians; Port Louis;
MEX: Mexican,Mexicans; Mexico City;
FSM: Micronesian,Micronesians; Palikir;
MDA: Moldovan,Moldovans; Chisinau;
MCO: Monegasque,Monegasques; Monaco;
MNG: Mongolian,Mongolians; Ulaanbaatar;
MNE: Montenegrin,Montenegrins; Podgorica;
MAR: Moroccan,Moroccans; Rabat;
MOZ: Mozambican,Mozambicans; Maputo;
MMR: Burmese,Myanmar; Naypyidaw,Naypyitaw;
NAM: Namibian,Namibians; Windhoek;
NRU: Nauruan,Nauruans; Yaren;
NPL: Nepali,Nepalese,Nepalis; Kathmandu;
NLD: Dutch,Dutchman,Dutchmen; Amsterdam; The Hague
NZL: New Zealander,New Zealanders; Wellington;
NIC: Nicaraguan,Nicaraguans; Managua;
NER: Nigerien,Nigeriens; Niamey;
NGA: Nigerian,Nigerians; Abuja;
MKD: Macedonian,North Macedonian,Macedonians; Skopje;
NOR: Norwegian,Norwegians; Oslo;
OMN: Omani,Omanis; Muscat;
PAK: Pakistani,Pakistanis; Islamabad;
PLW: Palauan,Palauans; Ngerulmud;
PAN: Panamanian,Panamanians; Panama City;
PNG: Papua New Guinean,Papua New Guineans; Port Moresby;
PRY: Paraguayan,Paraguayans; Asuncion;
PER: Peruvian,Peruvians; Lima;
PHL: Filipino,Philippine,Filipinos; Manila; Malacanang
POL: Polish,Pole,Poles; Warsaw;
PRT: Portuguese; Lisbon;
QAT: Qatari,Qataris; Doha;
ROU: Romanian,Romanians; Bucharest;
RUS: Russian,Russians; Moscow; Kremlin
RWA: Rwandan,Rwandans; Kigali;
KNA: Kittitian,Nevisian,Kittitians; Basseterre;
LCA: Saint Lucian,Saint Lucians; Castries;
VCT: Vincentian,Vincentians; Kingstown;
WSM: Samoan,Samoans; Apia;
SMR: Sammarinese; San Marino;
STP: Sao Tomean,Sao Tomeans; Sao Tome;
SAU: Saudi,Saudi Arabian,Saudis; Riyadh;
SEN: Senegalese; Dakar;
SRB: Serbian,Serb,Serbians,Serbs; Belgrade;
SYC: Seychellois; Victoria;
SLE: Sierra Leonean,Sierra Leoneans; Freetown;
SGP: Singaporean,Singaporeans; Singapore;
SVK: Slovak,Slovaks; Bratislava;
SVN: Slovenian,Slovene,Slovenians,Slovenes; Ljubljana;
SLB: Solomon Islander,Solomon Islanders; Honiara;
SOM: Somali,Somalian,Somalis; Mogadishu;
ZAF: South African,South Africans; Pretoria;
SSD: South Sudanese; Juba;
ESP: Spanish,Spaniard,Spaniards; Madrid; Moncloa
LKA: Sri Lankan,Sri Lankans; Colombo;
SDN: Sudanese; Khartoum;
SUR: Surinamese; Paramaribo;
SWE: Swedish,Swede,Swedes; Stockholm;
CHE: Swiss; Bern;
SYR: Syrian,Syrians; Damascus;
TJK: Tajik,Tajikistani,Tajiks; Dushanbe;
TZA: Tanzanian,Tanzanians; Dodoma;
THA: Thai,Thais; Bangkok;
TLS: Timorese; Dili;
TGO: Togolese; Lome;
TON: Tongan,Tongans; Nuku'alofa;
TTO: Trinidadian,Tobagonian,Trinidadians; Port of Spain;
TUN: Tunisian,Tunisians; Tunis;
TUR: Turkish,Turk,Turks; Ankara;
TKM: Turkmen,Turkmens; Ashgabat;
TUV: Tuvaluan,Tuvaluans; Funafuti;
UGA: Ugandan,Ugandans; Kampala;
UKR: Ukrainian,Ukrainians; Kyiv,Kiev; Bankova
ARE: Emirati,Emiratis; Abu Dhabi;
GBR: British,Briton,Britons; London; Downing Street,Whitehall
USA: American,Americans; Washington; White House
URY: Uruguayan,Uruguayans; Montevideo;
UZB: Uzbek,Uzbekistani,Uzbeks; Tashkent;
VUT: Ni-Vanuatu; Port Vila;
VEN: Venezuelan,Venezuelans; Caracas; Miraflores
VNM: Vietnamese; Hanoi;
YEM: Yemeni,Yemenis; Sanaa;
ZMB: Zambian,Zambians; Lusaka;
ZWE: Zimbabwean,Zimbabweans; Harare;
VAT: Vatican; Vatican City; Holy See
PSE: Palestinian,Palestinians; Ramallah;
TWN: Taiwanese; Taipei;
XKX: Kosovar,Kosovan,Kosovars; Pristina;
PRI: Puerto Rican,Puerto Ricans; San Juan;
GRL: Greenlandic,Greenlander,Greenlanders; Nuuk;
HKG: Hong Konger,Hong Kongers; ;
ESH: Sahrawi,Sahrawis; ;
"""

# Short forms in everyday English that ISO 3166 does not give. Ambiguous
# all-caps forms ("US", "UK") are matched case-sensitively by the extractor.
_SHORT: dict[str, tuple[str, ...]] = {
    "RUS": ("Russia",),
    "GBR": ("Britain", "Great Britain", "UK", "U.K."),
    "USA": ("United States of America", "US", "U.S.", "U.S.A.", "USA", "America"),
    "CZE": ("Czech Republic",),
    "TUR": ("Turkey", "Turkiye"),
    "CIV": ("Ivory Coast", "Cote d'Ivoire"),
    "COD": ("Democratic Republic of the Congo", "DR Congo", "DRC"),
    "COG": ("Republic of Congo", "Congo-Brazzaville"),
    "MMR": ("Burma",),
    "VAT": ("Vatican", "Vatican City", "Holy See"),
    "PSE": ("Palestine", "Palestinian territories"),
    "SWZ": ("Swaziland",),
    "CPV": ("Cape Verde",),
    "MKD": ("Macedonia",),
    "TLS": ("East Timor",),
    "BRN": ("Brunei",),
    "FSM": ("Micronesia",),
    "ARE": ("UAE", "Emirates"),
    "KOR": ("Republic of Korea",),
    "PRK": ("DPRK",),
    "NLD": ("Holland",),
    "VNM": ("Vietnam",),
    "SAU": ("Saudi Arabia",),
    "BIH": ("Bosnia", "Bosnia-Herzegovina"),
}

# Kosovo has no ISO 3166-1 entry; the user-assigned code XKX is widespread
# (EU, IMF); its name is the one not from pycountry.
_EXTRA = ({"id": "XKX", "name": "Kosovo", "kind": "territory"},)

# Display names where pycountry has no common name and the ISO name is not
# what English news writes (its common name is used everywhere else).
# "Turkey" over "Türkiye": the UN adopted "Türkiye" in 2022, but English
# news copy still mostly writes "Turkey"; both stay aliases.
_DISPLAY: dict[str, str] = {
    "RUS": "Russia",
    "TUR": "Turkey",
    "BRN": "Brunei",
    "FSM": "Micronesia",
    "VAT": "Vatican City",
    "SYR": "Syria",
    "IRN": "Iran",
    "VEN": "Venezuela",
    "BOL": "Bolivia",
    "TZA": "Tanzania",
    "VNM": "Vietnam",
    "LAO": "Laos",
    "MDA": "Moldova",
    "KOR": "South Korea",
    "PRK": "North Korea",
    "TWN": "Taiwan",
    "PSE": "Palestine",
    "CZE": "Czechia",
}


def _table() -> dict[str, tuple[list[str], list[str], list[str]]]:
    out: dict[str, tuple[list[str], list[str], list[str]]] = {}
    for line in _TABLE.strip().splitlines():
        code, rest = line.split(":", 1)
        parts = [p.strip() for p in rest.split(";")]
        parts += [""] * (3 - len(parts))
        demonyms, capitals, seats = ([s.strip() for s in p.split(",") if s.strip()] for p in parts)
        out[code.strip()] = (demonyms, capitals, seats)
    return out


def _names(country: Any) -> tuple[str, list[str]]:
    """Return the display name and ISO-derived aliases of a pycountry entry."""
    name: str = country.name
    common = getattr(country, "common_name", None)
    official = getattr(country, "official_name", None)
    aliases = [name]
    display = common or name
    if "," in name:
        # ISO inverts some names ("Palestine, State of"); English prose uses
        # the natural order, or the bare head for "State of".
        head, tail = (s.strip() for s in name.split(",", 1))
        if tail.startswith("State of"):
            aliases.append(head)
            natural = head
        else:
            natural = f"{tail} {head}".removeprefix("The ")
        if not tail.startswith("Province of"):
            aliases.append(natural)
            display = common or natural
    if "(" in name:
        aliases.append(name.split("(")[0].strip())
        display = common or name.split("(")[0].strip()
    for extra in (common, official):
        if extra:
            aliases.append(extra.removeprefix("the "))
    display = _DISPLAY.get(country.alpha_3, display)
    aliases.append(display)
    return display, aliases


def build_rows() -> list[dict[str, Any]]:
    """Build one row per ISO 3166-1 country plus Kosovo."""
    table = _table()
    rows: list[dict[str, Any]] = []
    un_members = {code for code in table if code not in {"TWN", "XKX", "PRI", "GRL", "HKG", "ESH"}}
    countries = [(c.alpha_3, *_names(c)) for c in pycountry.countries]
    countries += [(e["id"], e["name"], [e["name"]]) for e in _EXTRA]
    for code, display, iso_aliases in countries:
        demonyms, capitals, seats = table.get(code, ([], [], []))
        aliases = [*iso_aliases, *_SHORT.get(code, ())]
        unique = [a for a in dict.fromkeys(aliases) if a != display]
        kind = "state" if code in un_members or code in _OBSERVERS else "territory"
        rows.append(
            {
                "id": code,
                "type": "country",
                "name": display,
                "kind": kind,
                "aliases": unique,
                "demonyms": demonyms,
                "seats": [*capitals, *seats],
                "sources": ["ISO 3166-1 via pycountry", "CIA World Factbook; Wikipedia demonyms"],
            }
        )
    rows.sort(key=lambda r: r["id"])
    return rows


def main(argv: list[str] | None = None) -> int:
    """Write the rows as JSONL to the given path (default: the packaged file)."""
    args = sys.argv[1:] if argv is None else argv
    default = Path(__file__).resolve().parents[1] / "streams/knowledge/data/countries.jsonl"
    path = Path(args[0]) if args else default
    rows = build_rows()
    header = "# Generated by tools/build_countries.py from pycountry; do not edit by hand.\n"
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    path.write_text(header + body, encoding="utf-8")
    print(f"wrote {len(rows)} countries to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
