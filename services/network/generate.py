"""Deterministic generator of large, realistic `partner-network/1` documents.

`generate_network(customers, seed)` builds one provider, a few distributors spread over
several countries, partners (a few directly under the provider, the rest under
distributors) and exactly `customers` customers, with subscriptions to the six demo SKUs
and operators for every distributor and partner. It is a pure function: no I/O, no global
state, only `random.Random(seed)` and `uuid.uuid5` (GUIDs are derived from ids), so the
same (customers, seed, today) always gives the same document.

Shape for N customers: 2 + N // 8000 distributors, N // 40 + 3 partners (about 2% of them
directly under the provider, with 5% of the customers). Sizes are skewed on purpose: the
first distributor holds 40% of all customers (57% when there are only two distributors;
`largest_distributor(doc)` finds it), the others follow a harmonic tail, partner sizes a
capped Pareto law; most subscriptions are small (median ~20 licenses, 5 to 5000), and
expiries run from about nine months before `today` to fifteen months after it (about 18%
lapsed, over a third due in the next four months). About 3% of the customers have no
subscription, 82% are onboarded, 10% invited, 8% not invited.

Renewal terms (SPEC section 1) come from a second random stream, so the organizations,
seats and dates above are the same as before they existed: a one-year term is `annual`
(a quarter of them `auto_renew`), three years `triennial`, two years no cycle; one
subscription in ten due in the next four months has its renewal booked ahead (a new
subscription starting the day after it expires, not counted yet).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
import re
import string
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from services.network.validate import FORMAT

DEFAULT_TODAY = dt.date(2026, 11, 23)

PROVIDER_ID = "vendor"
PROVIDER_NAME = "CoreView"
PROVIDER_COUNTRY = "IT"

SKUS: tuple[tuple[str, str], ...] = (
    ("CS-ESS", "CoreSuite Essentials"),
    ("CS-PRO", "CoreSuite Professional"),
    ("CS-ENT", "CoreSuite Enterprise"),
    ("CV-AUDIT", "CoreView Audit"),
    ("CV-BACKUP", "CoreView Backup"),
    ("CV-LIC", "License Optimizer"),
)
SUITE_TIERS = ("CS-ESS", "CS-PRO", "CS-ENT")  # customers take one edition: 50/35/15%
ADDONS = ("CV-AUDIT", "CV-BACKUP", "CV-LIC")
_ADDON_FACTORS = (1.0, 1.0, 0.8, 0.5, 0.25)  # add-on licenses vs. the suite

T = TypeVar("T")

# Share of all customers under the largest distributor, and under direct partners.
LARGEST_SHARE = 0.40
DIRECT_SHARE = 0.05


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Language:
    activities: tuple[str, ...]   # trades: "Boulangerie", "Spedition"
    surnames: tuple[str, ...]
    first_names: tuple[str, ...]
    places: tuple[str, ...]       # "du Lac", "am See"
    brands: tuple[str, ...]       # "Azur", "Nordlicht"
    sectors: tuple[str, ...]      # "Conseil", "Logistik"
    it_words: tuple[str, ...]     # partner cores: "Informatique", "Systemhaus"
    dist_words: tuple[str, ...]   # distributor cores: "Distribution", "Vertrieb"
    # Customer name cores: {A} activity, {S}/{S2} surnames, {N} a person's full name,
    # {P} place, {B} brand, {T} sector, {C} a city of the locale.
    templates: tuple[str, ...]


def _w(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split("|") if w.strip())


LANGUAGES: dict[str, Language] = {
    "fr": Language(
        activities=_w("Boulangerie|Pâtisserie|Transports|Garage|Cabinet|Clinique|Pharmacie|"
                      "Atelier|Menuiserie|Imprimerie|Librairie|Fromagerie|Brasserie|Hôtel|"
                      "Café|Charcuterie|Électricité|Plomberie|Agence|Laboratoire|Maison|"
                      "Domaine|Bâtiment|Éditions|Assurances|Ébénisterie|Crèche|Études"),
        surnames=_w("Dupont|Moreau|Lefèvre|Girard|Bonnet|Mercier|Rousseau|Fontaine|Chevalier|"
                    "Lambert|Faure|Roux|Blanc|Garnier|Bérard|Hébert|Ménard|Prévost|Lemaître|"
                    "Gauthier|Perrin|Renaud|Marchand|Duval|Benoît|Bouvier|Leroy|Dubois|"
                    "Laurent|Clément|Noël|Thibault|Vidal|Guérin|Aubert|Barbier|Séguin"),
        first_names=_w("Claire|Hugo|Camille|Léa|Théo|Chloé|Louis|Manon|Élodie|Jérôme|Hélène|"
                       "François|Noémie|Zoé|Gaël|Amélie|Benoît|Céline|Mathieu|Inès|Margaux|"
                       "Antoine|Aurélie|Sébastien|Julien|Émilie"),
        places=_w("du Lac|des Alpes|de la Gare|du Centre|du Marché|de Provence|des Vosges|"
                  "Saint-Michel|de l'Étoile|du Port|de la Vallée|du Château|des Îles"),
        brands=_w("Lumière|Étoile|Horizon|Azur|Émeraude|Rivière|Hermine|Cèdre|Éclat|Aurore|"
                  "Mistral|Opale|Alizé|Sérénité"),
        sectors=_w("Conseil|Informatique|Services|Logistique|Immobilier|Ingénierie|Santé|"
                   "Énergie|Développement|Numérique|Expertise|Patrimoine"),
        it_words=_w("Informatique|Solutions Numériques|Infogérance|Cloud Services|"
                    "Réseaux & Systèmes|Télécom|Systèmes"),
        dist_words=_w("Distribution|Cloud Distribution|Logiciels Distribution"),
        templates=("{A} {S}", "{A} {N}", "{A} {P}", "{S} & {S2}", "{B} {T}", "{A} {B}",
                   "{A} {S} & Fils", "{S} {T}"),
    ),
    "it": Language(
        activities=_w("Panificio|Trasporti|Officina|Studio|Farmacia|Ristorante|Trattoria|"
                      "Albergo|Caseificio|Cantina|Tipografia|Libreria|Falegnameria|Costruzioni|"
                      "Agenzia|Laboratorio|Pasticceria|Ferramenta|Clinica|Autofficina|Caffè|"
                      "Gelateria|Oleificio|Vivaio"),
        surnames=_w("Rossi|Bianchi|Romano|Colombo|Ricci|Marino|Greco|Bruno|Gallo|Conti|"
                    "De Luca|Mancini|Costa|Giordano|Rizzo|Lombardi|Moretti|Barbieri|Fontana|"
                    "Santoro|Mariani|Rinaldi|Caruso|Ferrara|Galli|Martini|Leone|Longo|"
                    "Gentile|Martinelli|Vitale|Ferri|Sanfilippo|D'Angelo|Esposito"),
        first_names=_w("Giulia|Luca|Sofia|Marco|Francesca|Alessandro|Chiara|Matteo|Niccolò|"
                       "Elena|Davide|Federica|Lorenzo|Martina|Andrea|Giorgia|Nicolò|Paola|"
                       "Stefano|Valentina|Gianluca|Ilaria"),
        places=_w("del Lago|della Valle|di Brera|San Marco|del Borgo|delle Alpi|Santa Lucia|"
                  "del Porto|di Città Alta|della Riviera"),
        brands=_w("Aurora|Stella|Vela|Dolomiti|Levante|Ponente|Girasole|Perla|Fenice|"
                  "Arcobaleno|Città Nuova|Libertà|Maestrale"),
        sectors=_w("Servizi|Informatica|Consulenze|Logistica|Immobiliare|Ingegneria|Energia|"
                   "Sistemi|Tecnologie|Soluzioni|Edilizia|Qualità"),
        it_words=_w("Informatica|Sistemi|Soluzioni IT|Servizi Cloud|Reti e Sistemi|"
                    "Tecnologie Digitali|Networking"),
        dist_words=_w("Distribuzione|Cloud Distribuzione|Distribuzione Software"),
        templates=("{A} {S}", "{A} {N}", "{A} {P}", "{S} & {S2}", "{B} {T}", "{A} {B}",
                   "{A} {S} & Figli", "{S} {T}"),
    ),
    "de": Language(
        activities=_w("Bäckerei|Metzgerei|Autohaus|Spedition|Druckerei|Tischlerei|Apotheke|"
                      "Praxis|Kanzlei|Gasthaus|Brauerei|Elektro|Sanitär|Bauunternehmung|"
                      "Steuerberatung|Ingenieurbüro|Buchhandlung|Gärtnerei|Hotel|Zahnarztpraxis|"
                      "Schreinerei|Malerbetrieb|Konditorei|Möbelhaus"),
        surnames=_w("Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|"
                    "Hoffmann|Schäfer|Koch|Bauer|Richter|Klein|Wolf|Schröder|Neumann|Schwarz|"
                    "Zimmermann|Braun|Krüger|Hofmann|Hartmann|Lange|Schmitt|Werner|Krause|"
                    "Köhler|Lehmann|Huber|Gruber|Jäger|Möller|Groß|Weiß"),
        first_names=_w("Lukas|Anna|Jonas|Lena|Felix|Marie|Jürgen|Sören|Jörg|Katharina|"
                       "Maximilian|Sophie|Tobias|Hannah|Uwe|Günter|Bärbel|Stefan|Julia|"
                       "Andreas|Sabine|Matthias|Jürgen|Käthe"),
        places=_w("am See|Nord|Süd|am Markt|im Tal|Alpenblick|an der Ruhr|am Rhein|"
                  "Mitte|am Schloss"),
        brands=_w("Alpen|Nordlicht|Rhein|Eiche|Sonnen|Berg|Falken|Tannen|Edelweiß|Grünwald|"
                  "Isar|Bodensee|Donau|Wölfl"),
        sectors=_w("Systeme|Informatik|Logistik|Beratung|Technik|Immobilien|Energie|Software|"
                   "Dienstleistungen|Datentechnik|Bau|Gebäudetechnik"),
        it_words=_w("IT-Service|Systemhaus|Datentechnik|Cloud Services|Netzwerke|"
                    "IT-Lösungen|Informationstechnik"),
        dist_words=_w("Distribution|IT-Distribution|Vertrieb|Softwarevertrieb"),
        templates=("{A} {S}", "{S} {T}", "{A} {P}", "{S} & {S2}", "{B} {T}", "{A} {N}",
                   "Gebrüder {S} {A}", "{B} {A}"),
    ),
    "sv": Language(
        activities=_w("Bageri|Åkeri|Bilverkstad|Tryckeri|Snickeri|Apotek|Tandvård|Redovisning|"
                      "Bygg|El|Fastigheter|Konsult|Café|Hotell|Revisionsbyrå|Måleri|Rör|"
                      "Trädgård|Städ|Maskin"),
        surnames=_w("Andersson|Johansson|Karlsson|Nilsson|Eriksson|Larsson|Olsson|Persson|"
                    "Svensson|Gustafsson|Pettersson|Jonsson|Jansson|Hansson|Bengtsson|"
                    "Jönsson|Lindberg|Lindström|Lindqvist|Berglund|Sjöberg|Åberg|Öberg|"
                    "Håkansson|Ström|Lundgren|Nordström|Holmgren|Sandström|Ekström"),
        first_names=_w("Erik|Anna|Lars|Karin|Johan|Maria|Björn|Åsa|Göran|Ingrid|Sven|Linnéa|"
                       "Måns|Sofia|Oskar|Elin|Magnus|Maja|Ulf|Agneta|Henrik|Märta"),
        places=_w("Norr|Söder|Väst|Öst|Strand|Hamn|Dal|Bruk"),
        brands=_w("Fjäll|Skog|Älv|Sjö|Norrsken|Björk|Gran|Ekbacken|Solrosen|Havsörn|Strand|"
                  "Vinterljus|Nordvind"),
        sectors=_w("Data|IT|Konsult|Logistik|Teknik|System|Fastigheter|Energi|Bygg|Design|"
                   "Förvaltning|Miljö"),
        it_words=_w("IT|Data|Systemutveckling|IT-konsult|Molntjänster|Nätverk|IT-drift"),
        dist_words=_w("Distribution|Molndistribution|Mjukvarudistribution"),
        templates=("{S}s {A}", "{N}s {A}", "{B} {T}", "{C} {A}", "{S} & {S2}", "{A} {P}",
                   "{S} & Söner {A}", "{B} {A}", "{C}s {T}"),
    ),
    "es": Language(
        activities=_w("Panadería|Transportes|Taller|Farmacia|Clínica|Imprenta|Librería|"
                      "Carpintería|Construcciones|Asesoría|Gestoría|Restaurante|Hotel|Bodega|"
                      "Ferretería|Inmobiliaria|Distribuciones|Óptica|Academia|Pastelería|"
                      "Cerrajería|Mudanzas"),
        surnames=_w("García|Fernández|González|Rodríguez|López|Martínez|Sánchez|Pérez|Gómez|"
                    "Martín|Jiménez|Ruiz|Hernández|Díaz|Moreno|Muñoz|Álvarez|Romero|Alonso|"
                    "Gutiérrez|Navarro|Torres|Domínguez|Vázquez|Ramos|Gil|Ramírez|Serrano|"
                    "Blanco|Molina|Castillo|Ortega|Núñez|Ibáñez|Peña"),
        first_names=_w("Lucía|Javier|María|Alejandro|Sofía|Pablo|Carmen|Álvaro|Marta|Andrés|"
                       "Elena|Sergio|Raúl|Inés|Jesús|Nuria|Iñaki|Begoña|Adrián|Rocío|Óscar"),
        places=_w("del Sur|del Norte|de Levante|del Mar|de la Sierra|del Puerto|San Andrés|"
                  "Santa Fe|del Río|de la Vega"),
        brands=_w("Sol|Luna|Alba|Brisa|Olivo|Faro|Cumbre|Aurora|Estrella|Océano|Girasol|"
                  "Azahar|Peñón|Albor"),
        sectors=_w("Servicios|Informática|Consultores|Logística|Ingeniería|Energía|Sistemas|"
                   "Tecnología|Soluciones|Gestión|Inversiones|Telecomunicaciones"),
        it_words=_w("Informática|Sistemas|Soluciones TI|Servicios Cloud|Tecnologías|"
                    "Redes y Sistemas|Integración"),
        dist_words=_w("Distribución|Distribuciones Cloud|Distribución de Software"),
        templates=("{A} {S}", "{A} {N}", "{A} {P}", "{S} y {S2}", "{B} {T}", "{A} {B}",
                   "{A} Hermanos {S}", "{S} {T}"),
    ),
    "nl": Language(
        activities=_w("Bakkerij|Transport|Garage|Drukkerij|Apotheek|Tandartspraktijk|"
                      "Installatiebedrijf|Bouwbedrijf|Adviesbureau|Accountants|Schilders|"
                      "Hoveniers|Makelaardij|Boekhandel|Timmerbedrijf|Slagerij|Café|Hotel|"
                      "Coöperatie|Brasserie"),
        surnames=_w("De Jong|Jansen|De Vries|Van den Berg|Van Dijk|Bakker|Janssen|Visser|"
                    "Smit|Meijer|De Boer|Mulder|De Groot|Bos|Vos|Peters|Hendriks|"
                    "Van Leeuwen|Dekker|Brouwer|De Wit|Dijkstra|Smits|De Graaf|Van der Meer|"
                    "Kuipers|Verhoeven|Maes|Peeters|Claes|Wouters|Willems"),
        first_names=_w("Daan|Sanne|Bram|Emma|Lotte|Thijs|Femke|Jeroen|Anouk|Sven|Noor|Ruben|"
                       "Eline|Pieter|Maarten|Fleur|Joëlle|Chloë|Koen|Wouter|Inge"),
        places=_w("aan Zee|Noord|Zuid|aan de Maas|Centrum|Oost|West|aan de Schelde"),
        brands=_w("Molen|Tulp|Duin|Polder|Zeewind|Eik|Linde|Kompas|Horizon|Vlinder|Reiger|"
                  "Zilvermeeuw"),
        sectors=_w("Diensten|Automatisering|Advies|Logistiek|Techniek|Installaties|Vastgoed|"
                   "Energie|ICT|Software|Projecten|Financiële Diensten"),
        it_words=_w("ICT|Automatisering|IT-diensten|Cloud Services|Netwerken|IT Beheer|"
                    "Systeembeheer"),
        dist_words=_w("Distributie|Cloud Distributie|Software Distributie"),
        templates=("{A} {S}", "{S} {A}", "{B} {T}", "{S} & {S2}", "{A} {P}", "{A} {B}",
                   "{A} {N}", "{S} & Zonen {A}", "{S} {T}"),
    ),
    "en": Language(
        activities=_w("Bakery|Haulage|Motors|Printing|Joinery|Pharmacy|Dental Practice|"
                      "Accountants|Builders|Electrical|Plumbing|Solicitors|Estate Agents|"
                      "Logistics|Brewery|Garden Centre|Surveyors|Opticians|Hotel|Catering|"
                      "Veterinary Clinic|Roofing"),
        surnames=_w("Smith|Jones|Williams|Taylor|Brown|Davies|Evans|Wilson|Thomas|Johnson|"
                    "Roberts|Robinson|Thompson|Wright|Walker|White|Edwards|Hughes|Green|Hall|"
                    "Lewis|Harris|Clarke|Patel|Jackson|Wood|Turner|Cooper|Hill|Ward|Morris|"
                    "Baker|Harrison|King|Murphy|O'Brien|Kelly|Walsh|Byrne"),
        first_names=_w("James|Olivia|Oliver|Amelia|Harry|Emily|Jack|Isla|George|Sophie|Noah|"
                       "Grace|Liam|Chloe|Ethan|Hannah|Siobhán|Seán|Aoife|Daniel|Rebecca|Mark"),
        places=_w("Northern|Western|Riverside|Highland|Lakeside|Valley|Coastal|Midland|"
                  "Southern|Eastern"),
        brands=_w("Oakwood|Bluebell|Kingfisher|Silverline|Redbrick|Harbour|Summit|Meadow|"
                  "Ironbridge|Northstar|Evergreen|Brightwater|Foxglove|Granite"),
        sectors=_w("Solutions|Consulting|Systems|Services|Technologies|Logistics|Holdings|"
                   "Group|Networks|Digital|Engineering|Analytics"),
        it_words=_w("IT|Technology|Cloud Services|Managed Services|Systems|Networks|Digital|"
                    "IT Solutions"),
        dist_words=_w("Distribution|Cloud Distribution|Software Distribution"),
        templates=("{S} {A}", "{N} {A}", "{S} & {S2}", "{B} {T}", "{P} {A}", "{C} {A}",
                   "{S} & Sons {A}", "{B} {A}", "{S} {T}"),
    ),
}


def _template_fields(template: str) -> tuple[str, tuple[str, ...]]:
    fields = tuple(f for _, f, _, _ in string.Formatter().parse(template) if f)
    assert set(fields) <= {"A", "S", "S2", "N", "P", "B", "T", "C"}, template
    return template, fields


# Customer name templates with their fields, in the order they are drawn.
_TEMPLATES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    lang: tuple(_template_fields(t) for t in words.templates)
    for lang, words in LANGUAGES.items()
}


@dataclass(frozen=True)
class Locale:
    country: str
    lang: str
    weight: int
    suffixes: tuple[str, ...]
    cities: tuple[str, ...]


LOCALES: tuple[Locale, ...] = (
    Locale("FR", "fr", 18, _w("SAS|SARL|SARL|SA|EURL"),
           _w("Paris|Lyon|Marseille|Toulouse|Nantes|Bordeaux|Lille|Rennes|Strasbourg|"
              "Montpellier|Grenoble|Dijon|Nîmes|Orléans|Besançon|Angers|Évry|Reims")),
    Locale("BE", "fr", 3, _w("SRL|SA"),
           _w("Bruxelles|Liège|Namur|Charleroi|Mons|Wavre|Tournai")),
    Locale("BE", "nl", 4, _w("BV|NV"),
           _w("Antwerpen|Gent|Brugge|Leuven|Hasselt|Mechelen|Kortrijk")),
    Locale("CH", "fr", 2, _w("Sàrl|SA"),
           _w("Genève|Lausanne|Neuchâtel|Fribourg|Sion|Montreux")),
    Locale("CH", "de", 3, _w("AG|GmbH"),
           _w("Zürich|Basel|Bern|Luzern|St. Gallen|Winterthur|Zug")),
    Locale("CH", "it", 1, _w("SA|Sagl"),
           _w("Lugano|Bellinzona|Locarno|Mendrisio")),
    Locale("LU", "fr", 1, _w("S.à r.l.|S.A."),
           _w("Luxembourg|Esch-sur-Alzette|Differdange|Dudelange")),
    Locale("IT", "it", 14, _w("S.p.A.|S.r.l.|S.r.l.|S.n.c.|S.a.s."),
           _w("Milano|Roma|Torino|Napoli|Bologna|Firenze|Genova|Verona|Padova|Bergamo|"
              "Brescia|Forlì|Cantù|Parma|Trieste|Bari|Palermo")),
    Locale("DE", "de", 15, _w("GmbH|GmbH|AG|KG|GmbH & Co. KG|e.K."),
           _w("Berlin|Hamburg|München|Köln|Frankfurt|Stuttgart|Düsseldorf|Leipzig|Dortmund|"
              "Essen|Bremen|Dresden|Hannover|Nürnberg|Würzburg|Lübeck")),
    Locale("AT", "de", 4, _w("GmbH|AG|OG"),
           _w("Wien|Graz|Linz|Salzburg|Innsbruck|Klagenfurt|Villach")),
    Locale("SE", "sv", 6, _w("AB|AB|HB"),
           _w("Stockholm|Göteborg|Malmö|Uppsala|Västerås|Örebro|Linköping|Helsingborg|"
              "Jönköping|Norrköping|Lund|Umeå|Gävle|Borås|Sundsvall")),
    Locale("FI", "sv", 1, _w("Ab|Oy Ab"),
           _w("Helsingfors|Åbo|Vasa|Borgå|Jakobstad")),
    Locale("ES", "es", 10, _w("S.L.|S.L.|S.A.|S.L.U."),
           _w("Madrid|Barcelona|Valencia|Sevilla|Zaragoza|Málaga|Murcia|Palma|Bilbao|"
              "Alicante|Córdoba|Valladolid|Vigo|Gijón|Granada|León|Cádiz")),
    Locale("NL", "nl", 8, _w("B.V.|B.V.|N.V.|V.O.F."),
           _w("Amsterdam|Rotterdam|Den Haag|Utrecht|Eindhoven|Groningen|Tilburg|Almere|"
              "Breda|Nijmegen|Zwolle|Leiden")),
    Locale("GB", "en", 8, _w("Ltd|Ltd|PLC|LLP"),
           _w("London|Manchester|Birmingham|Leeds|Glasgow|Bristol|Edinburgh|Liverpool|"
              "Cardiff|Belfast|Sheffield|Nottingham")),
    Locale("IE", "en", 2, _w("Ltd|DAC"),
           _w("Dublin|Cork|Galway|Limerick|Waterford")),
    Locale("US", "en", 3, _w("Inc|LLC|Corp."),
           _w("Boston|Chicago|Austin|Denver|Seattle|Atlanta|Portland")),
)
LOCALE_WEIGHTS: tuple[int, ...] = tuple(loc.weight for loc in LOCALES)
_LOCALE_CUM: tuple[int, ...] = tuple(
    sum(LOCALE_WEIGHTS[: i + 1]) for i in range(len(LOCALE_WEIGHTS)))
# Market size of each country (distributors go to the big markets first).
_COUNTRY_WEIGHTS: dict[str, int] = {
    country: sum(loc.weight for loc in LOCALES if loc.country == country)
    for country in dict.fromkeys(loc.country for loc in LOCALES)
}
_PROVIDER_LOCALE = next(loc for loc in LOCALES if loc.country == PROVIDER_COUNTRY)

# Slugs: German umlauts spelled out, other marks dropped.
_TRANSLIT_DE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe",
                              "Ü": "Ue", "ß": "ss"})
_TRANSLIT = str.maketrans({"ß": "ss", "œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae",
                           "ø": "o", "Ø": "O", "&": " "})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str, lang: str = "") -> str:
    """ASCII, lower case, words joined by "-" ("Hôtel Belle Époque" -> "hotel-belle-epoque")."""
    if lang == "de":
        text = text.translate(_TRANSLIT_DE)
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return _NON_ALNUM.sub("-", text).strip("-")


# --------------------------------------------------------------------------- helpers


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split TOTAL into integers proportional to WEIGHTS (largest remainder, stable)."""
    if not weights:
        return []
    wsum = sum(weights)
    if wsum <= 0:
        weights, wsum = [1.0] * len(weights), float(len(weights))
    quotas = [total * w / wsum for w in weights]
    counts = [int(q) for q in quotas]
    rest = total - sum(counts)
    order = sorted(range(len(quotas)), key=lambda i: (counts[i] - quotas[i], i))
    for i in order[:rest]:
        counts[i] += 1
    return counts


def _fixed(core: str) -> Callable[[Locale], str]:
    """A name-core source that always gives CORE (uniqueness then adds a city/number)."""
    return lambda _loc: core


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _Builder:
    """State of one generation run (kept out of module globals)."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.random = self.rng.random
        self.renewals = random.Random(seed * 7919 + 1).random  # renewal terms only
        self.today = today
        self.ns = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:partner-network-generator:{seed}")
        self.names: set[str] = set()
        self.domains: set[str] = set()
        self.emails: set[str] = set()
        self.organizations: list[dict[str, Any]] = []
        self.subscriptions: list[dict[str, Any]] = []
        self.operators: list[dict[str, Any]] = []
        self.locales: dict[str, Locale] = {}
        self._slugs: dict[tuple[str, str], str] = {}
        self._dates: dict[int, tuple[str, str]] = {}

    # ---------------------------------------------------------------- primitives

    def pick(self, seq: Sequence[T]) -> T:
        """Like rng.choice, faster (one call to random())."""
        return seq[int(self.random() * len(seq))]

    def below(self, n: int) -> int:
        return int(self.random() * n)

    def guid(self, key: str) -> str:
        return str(uuid.uuid5(self.ns, key))

    def slug(self, text: str, lang: str) -> str:
        """slugify(TEXT, LANG), cached (names repeat a lot)."""
        key = (text, lang)
        out = self._slugs.get(key)
        if out is None:
            out = self._slugs[key] = slugify(text, lang)
        return out

    def pick_locale(self) -> Locale:
        return LOCALES[bisect.bisect_right(_LOCALE_CUM, self.random() * _LOCALE_CUM[-1])]

    def locale_in(self, country: str) -> Locale:
        options = [loc for loc in LOCALES if loc.country == country]
        if len(options) == 1:
            return options[0]
        return self.rng.choices(options, weights=[loc.weight for loc in options])[0]

    def person(self, lang: str) -> tuple[str, str]:
        """(full name, e-mail local part) of someone speaking LANG."""
        words = LANGUAGES[lang]
        first = self.pick(words.first_names)
        last = self.pick(words.surnames)
        if lang == "nl" and last.startswith(("De ", "Van ")):
            last = last[0].lower() + last[1:]  # "Sanne de Jong", "Bram van Dijk"
        return f"{first} {last}", f"{self.slug(first, lang)}.{self.slug(last, lang)}"

    def identity(
        self, cores: Callable[[Locale], str], loc: Locale, suffix: str | None,
    ) -> tuple[str, str]:
        """Unique (name, domain) from a core drawn by CORES + legal SUFFIX: on a clash, draw
        a few other cores, then add a city, then a number."""
        tail = f" {suffix}" if suffix else ""
        core = variant = cores(loc)
        tries = 0
        while True:
            name = variant + tail
            base = self.slug(variant, loc.lang)[:56].strip("-") or "org"
            domain = f"{base}.example"
            if name not in self.names and domain not in self.domains:
                break
            tries += 1
            if tries <= 3:
                core = variant = cores(loc)
            elif tries <= 8:
                variant = f"{core} {self.pick(loc.cities)}"
            else:
                variant = f"{core} {tries - 7}"
        self.names.add(name)
        self.domains.add(domain)
        return name, domain

    # ---------------------------------------------------------------- names

    def customer_core(self, loc: Locale) -> str:
        pick, words = self.pick, LANGUAGES[loc.lang]
        template, fields = pick(_TEMPLATES[loc.lang])
        values: dict[str, str] = {}
        for fld in fields:
            if fld == "A":
                values[fld] = pick(words.activities)
            elif fld == "S":
                values[fld] = pick(words.surnames)
            elif fld == "S2":
                other = pick(words.surnames)
                if other == values.get("S"):
                    other = words.surnames[(words.surnames.index(other) + 1)
                                           % len(words.surnames)]
                values[fld] = other
            elif fld == "N":
                values[fld] = self.person(loc.lang)[0]
            elif fld == "P":
                values[fld] = pick(words.places)
            elif fld == "B":
                values[fld] = pick(words.brands)
            elif fld == "T":
                values[fld] = pick(words.sectors)
            else:  # "C"
                values[fld] = pick(loc.cities)
        return template.format_map(values)

    def partner_core(self, loc: Locale) -> str:
        words = LANGUAGES[loc.lang]
        lead = self.pick(words.brands) if self.random() < 0.6 else self.pick(words.surnames)
        return f"{lead} {self.pick(words.it_words)}"

    def distributor_core(self, loc: Locale) -> str:
        words = LANGUAGES[loc.lang]
        return f"{self.pick(words.brands)} {self.pick(words.dist_words)}"

    # ---------------------------------------------------------------- records

    def add_org(
        self, oid: str, kind: str, parent: str | None, loc: Locale, cores: Callable[[Locale], str],
        suffix_p: float, onboarding: str = "onboarded",
        account_manager: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        # Legal forms: the first two of a locale are those of larger companies.
        forms = loc.suffixes[:2] if kind == "distributor" else loc.suffixes
        suffix = self.pick(forms) if self.random() < suffix_p else None
        name, domain = self.identity(cores, loc, suffix)
        org: dict[str, Any] = {
            "id": oid, "name": name, "kind": kind, "parent": parent, "domain": domain,
            "country": loc.country, "onboarding": onboarding,
            "tenant_id": self.guid(f"tenant:{oid}") if onboarding == "onboarded" else None,
        }
        if account_manager is not None:
            org["account_manager"] = dict(account_manager)
        self.organizations.append(org)
        self.locales[oid] = loc
        return org

    def add_operators(self, org: dict[str, Any], count: int) -> None:
        lang = self.locales[org["id"]].lang
        for i in range(count):
            name, local = self.person(lang)
            email, tries = f"{local}@{org['domain']}", 0
            while email in self.emails:  # namesakes: another person, then a number
                tries += 1
                if tries < 10:
                    name, local = self.person(lang)
                    email = f"{local}@{org['domain']}"
                else:
                    email = f"{local}{tries}@{org['domain']}"
            self.emails.add(email)
            self.operators.append({
                "email": email, "name": name, "organization": org["id"],
                "roles": ["admin"] if i == 0 else ["reader"],
                "aad_object_id": self.guid(f"aad:{email}"),
                "tenant_id": org["tenant_id"],
            })

    def term(self) -> tuple[str, str]:
        """(starts_on, expires_on): expiry from ~9 months ago to ~15 months ahead, 1-3 years."""
        r = self.random()
        if r < 0.18:
            days = -1 - self.below(270)        # lapsed
        elif r < 0.55:
            days = self.below(121)             # due in the next four months
        else:
            days = 121 + self.below(336)       # later, up to ~15 months
        r = self.random()
        years = 1 if r < 0.8 else (2 if r < 0.92 else 3)
        key = days * 4 + years
        dates = self._dates.get(key)
        if dates is None:
            expires = self.today + dt.timedelta(days=days)
            dates = (_years_before(expires, years).isoformat(), expires.isoformat())
            self._dates[key] = dates
        return dates

    def add_subscriptions(self, oid: str, skus: Sequence[str], size: float) -> None:
        starts, expires = self.term()
        subs = self.subscriptions
        for n, sku in enumerate(skus):
            if n and self.random() >= 0.6:  # 60% of add-ons renew with the main contract
                starts, expires = self.term()
            lic = size if sku in SUITE_TIERS else size * self.pick(_ADDON_FACTORS)
            licenses = max(5, min(5000, round(lic)))
            if licenses > 50:
                licenses -= licenses % 5
            subs.append({
                "id": f"sub-{len(subs) + 1:07d}", "organization": oid, "sku": sku,
                "licenses": licenses, "starts_on": starts, "expires_on": expires,
                **self.renewal_terms(starts, expires),
            })
            self.maybe_book_renewal(subs[-1])

    def renewal_terms(self, starts: str, expires: str) -> dict[str, Any]:
        years = int(expires[:4]) - int(starts[:4])
        cycle = {1: "annual", 3: "triennial"}.get(years)
        auto = cycle == "annual" and self.renewals() < 0.25
        return {"billing_cycle": cycle, "auto_renew": auto}

    def maybe_book_renewal(self, sub: dict[str, Any]) -> None:
        """A renewal booked ahead for some subscriptions due soon (not auto-renewing)."""
        expires = dt.date.fromisoformat(sub["expires_on"])
        due = 0 <= (expires - self.today).days <= 120
        if not due or sub["auto_renew"] or self.renewals() >= 0.1:
            return
        start = expires + dt.timedelta(days=1)
        self.subscriptions.append({
            "id": f"sub-{len(self.subscriptions) + 1:07d}", "organization": sub["organization"],
            "sku": sub["sku"], "licenses": sub["licenses"], "starts_on": start.isoformat(),
            "expires_on": _years_before(expires, -1).isoformat(), "billing_cycle": "annual",
            "auto_renew": False,
        })

    def customer_skus(self) -> list[str]:
        r = self.random()
        count = 1 if r < 0.45 else (2 if r < 0.75 else (3 if r < 0.92 else 4))
        if count == 4 or self.random() < 0.9:
            r = self.random()
            tier = "CS-ESS" if r < 0.5 else ("CS-PRO" if r < 0.85 else "CS-ENT")
            return [tier, *self.rng.sample(ADDONS, count - 1)] if count > 1 else [tier]
        return self.rng.sample(ADDONS, count)


# --------------------------------------------------------------------------- public API


def generate_network(customers: int, seed: int = 1, today: dt.date | None = None) -> dict[str, Any]:
    """A `partner-network/1` document with exactly CUSTOMERS customers.

    Deterministic for a given (customers, seed, today); `today` (default 2026-11-23) anchors
    the subscription dates.
    """
    if customers < 0:
        raise ValueError("customers must not be negative")
    today = today or DEFAULT_TODAY
    b = _Builder(seed, today)
    rng = b.rng

    n_dist = 2 + customers // 8000
    n_partners = customers // 40 + 3
    n_direct = min(max(1, n_partners // 50), n_partners - n_dist)

    # Provider and its account managers (provider staff, several languages).
    provider = b.add_org(PROVIDER_ID, "provider", None, _PROVIDER_LOCALE,
                         _fixed(PROVIDER_NAME), 0.0)
    b.add_operators(provider, 2)
    managers: list[dict[str, str]] = []
    seen_managers: set[str] = set()
    for _ in range(max(2, min(n_dist, 12))):
        lang = rng.choice(("it", "it", "en", "fr", "de", "es"))
        name, local = b.person(lang)
        while local in seen_managers:
            name, local = b.person(lang)
        seen_managers.add(local)
        managers.append({"name": name, "email": f"{local}@{provider['domain']}"})

    # Distributors, the first one the largest, in countries drawn in a random order
    # weighted by market size (Efraimidis-Spirakis), so big markets tend to come first.
    countries = sorted(_COUNTRY_WEIGHTS,
                       key=lambda c: -(rng.random() ** (1.0 / _COUNTRY_WEIGHTS[c])))
    distributors: list[dict[str, Any]] = []
    dist_ids: set[str] = set()
    for i in range(n_dist):
        loc = b.locale_in(countries[i]) if i < len(countries) else b.pick_locale()
        core = b.distributor_core(loc)
        for _ in range(50):  # distinct brands for the few distributors
            if f"d-{b.slug(core, loc.lang)}" not in dist_ids:
                break
            core = b.distributor_core(loc)
        oid = f"d-{b.slug(core, loc.lang)}"[:56].strip("-")
        if oid in dist_ids:
            oid = f"{oid}-{i + 1}"
        dist_ids.add(oid)
        org = b.add_org(oid, "distributor", PROVIDER_ID, loc, _fixed(core), 1.0,
                        account_manager=managers[i % len(managers)])
        distributors.append(org)
        b.add_operators(org, 1 + (i == 0) + rng.randrange(2))
        b.add_subscriptions(oid, ["CS-ENT", *rng.sample(ADDONS, rng.randrange(2))],
                            rng.uniform(40, 400))

    # Customer shares: direct partners, the largest distributor, then a harmonic tail.
    rest = 1.0 - DIRECT_SHARE - LARGEST_SHARE
    tail = [1.0 / (k + 1) for k in range(n_dist - 1)]
    if n_dist == 2:
        dist_shares = [0.6 * (1 - DIRECT_SHARE), 0.4 * (1 - DIRECT_SHARE)]
    else:
        dist_shares = [LARGEST_SHARE, *(rest * t / sum(tail) for t in tail)]
    group_customers = _allocate(customers, [DIRECT_SHARE, *dist_shares])
    for g in range(2, len(group_customers)):  # tiny networks: keep the first one ahead
        while group_customers[g] and group_customers[g] >= group_customers[1]:
            group_customers[g] -= 1
            group_customers[1] += 1
    group_partners = [n_direct] + [
        1 + c for c in _allocate(n_partners - n_direct - n_dist, dist_shares)]

    # Partners, and the parent of each customer slot.
    width = max(4, len(str(n_partners)))
    slots: list[str] = []
    pnum = 0
    for g, (n_group, n_cust) in enumerate(zip(group_partners, group_customers, strict=True)):
        parent = distributors[g - 1] if g else None
        ids: list[str] = []
        for _ in range(n_group):
            pnum += 1
            oid = f"p-{pnum:0{width}d}"
            if parent is None:
                loc, manager = b.pick_locale(), rng.choice(managers)
            else:
                ploc = b.locales[parent["id"]]
                loc = b.locale_in(ploc.country) if rng.random() < 0.6 else b.pick_locale()
                manager = parent["account_manager"]
            org = b.add_org(oid, "partner", parent["id"] if parent else PROVIDER_ID, loc,
                            b.partner_core, 0.8, account_manager=manager)
            r = rng.random()
            b.add_operators(org, 1 if r < 0.4 else (2 if r < 0.75 else 3))
            skus = [rng.choice(("CS-PRO", "CS-ENT"))]
            if rng.random() < 0.5:
                skus.append(rng.choice(ADDONS))
            b.add_subscriptions(oid, skus, rng.uniform(5, 80))
            ids.append(oid)
        weights = [min(rng.paretovariate(1.3), rng.uniform(30.0, 90.0)) for _ in ids]
        for oid, count in zip(ids, _allocate(n_cust, weights), strict=True):
            slots.extend([oid] * count)
    rng.shuffle(slots)

    # Customers: c-000001 ... in a shuffled partner order, mostly in the partner's locale.
    cwidth = max(6, len(str(customers)))
    for n, parent_id in enumerate(slots, start=1):
        oid = f"c-{n:0{cwidth}d}"
        loc = b.locales[parent_id] if rng.random() < 0.8 else b.pick_locale()
        r = rng.random()
        onboarding = "onboarded" if r < 0.82 else ("invited" if r < 0.92 else "not_invited")
        b.add_org(oid, "customer", parent_id, loc, b.customer_core, 0.55, onboarding)
        if rng.random() < 0.03:
            continue  # a few customers have no subscription at all
        size = math.exp(rng.gauss(3.3, 1.2))
        b.add_subscriptions(oid, b.customer_skus(), size)

    return {
        "format": FORMAT,
        "as_of": today.isoformat(),
        "skus": [{"code": code, "name": name} for code, name in SKUS],
        "organizations": b.organizations,
        "subscriptions": b.subscriptions,
        "operators": b.operators,
    }


def customers_per_distributor(doc: dict[str, Any]) -> dict[str, int]:
    """Number of customers under each distributor (through its partners), in document order."""
    orgs = doc.get("organizations", [])
    kind = {o["id"]: o["kind"] for o in orgs}
    parent = {o["id"]: o.get("parent") for o in orgs}
    counts = {o["id"]: 0 for o in orgs if o["kind"] == "distributor"}
    for o in orgs:
        if o["kind"] != "customer":
            continue
        up = parent.get(o["id"])
        while up is not None and kind.get(up) not in (None, "distributor"):
            up = parent.get(up)
        if up is not None and up in counts:
            counts[up] += 1
    return counts


def largest_distributor(doc: dict[str, Any]) -> str:
    """Id of the distributor with the most customers (first in the document on a tie)."""
    counts = customers_per_distributor(doc)
    if not counts:
        raise ValueError("the document has no distributor")
    return max(counts, key=lambda d: counts[d])
