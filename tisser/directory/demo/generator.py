"""Deterministic invention of demo actors: the same seed and communes give the same network.

One random generator is consumed in order, so the first N actors of a network of size M > N
are exactly the network of size N: loading a bigger demo over a smaller one only adds.
"""

import bisect
import math
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from django.utils.text import slugify

from tisser.core.text import fold

from . import vocabulary as v

# Communes without a known population still get a few actors.
DEFAULT_POPULATION = 400
CONSENTS_SINCE = datetime(2023, 1, 1, 9, 0, tzinfo=UTC)


@dataclass(slots=True)
class PersonSpec:
    first_name: str
    last_name: str
    email: str
    phone: str
    role: str
    is_representative: bool
    consents: tuple = ()  # (purpose, method, datetime)


@dataclass(slots=True)
class ActorSpec:
    slug: str
    name: str
    commune: object
    latitude: float
    longitude: float
    geo_precision: str = "municipality"
    legal_form: str = ""
    siret: str = ""
    address: str = ""
    postcode: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    description: str = ""
    workforce: str = ""
    status: str = "published"
    is_member: bool = False
    categories: tuple = ()
    people: list = field(default_factory=list)


_DOUBLED = tuple((2 * d) - 9 if 2 * d > 9 else 2 * d for d in range(10))


def luhn_key(payload: str) -> str:
    """The digit that makes `payload + digit` pass the Luhn check (SIREN and SIRET keys)."""
    digits = [int(c) for c in reversed(payload)]
    # Once the key is appended, the payload's last digit and every second one before it
    # are doubled.
    total = sum(_DOUBLED[d] for d in digits[0::2]) + sum(digits[1::2])
    return str((10 - total % 10) % 10)


def siret_for(index: int, seed: int) -> str:
    """A valid, unique-per-index SIRET: Luhn-keyed SIREN, then a Luhn-keyed establishment."""
    body = f"{(index * 7919 + seed * 104729 + 31_000_000) % 100_000_000:08d}"
    siren = body + luhn_key(body)
    establishment = siren + f"{(index % 9) + 1:04d}"
    return establishment + luhn_key(establishment)


# "Le Estaminet" → "L'Estaminet", "du Estaminet" → "de l'Estaminet" (nouns, not places).
_ELISION = re.compile(r"\b(Le|du) (?=[AEIOUÉ])")


def de_place(name: str) -> str:
    """French "of" before a commune name: de Lille, d'Amiens, du Portel, des Moëres."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name.startswith("La "):
        return "de la " + name[3:]
    if name.startswith("L'"):
        return "de l'" + name[2:]
    if fold(name[:1]) in {"a", "e", "i", "o", "u", "y", "h"}:
        return "d'" + name
    return "de " + name


def a_place(name: str) -> str:
    """French "in" before a commune name: à Lille, au Portel, aux Moëres."""
    if name.startswith("Le "):
        return "au " + name[3:]
    if name.startswith("Les "):
        return "aux " + name[4:]
    return "à " + name


class NetworkGenerator:
    """Invents actors in communes drawn by population, one after the other."""

    def __init__(self, communes, seed: int = 1):
        if not communes:
            raise ValueError("no communes to place actors in")
        self.seed = seed
        self.rng = random.Random(seed)
        self.communes = list(communes)
        self.cumulative = list(
            accumulate(max(c.population or DEFAULT_POPULATION, 1) for c in self.communes)
        )
        self.used_slugs: set[str] = set()
        self._all_pays = [p for group in v.PAYS.values() for p in group]
        self._pays_cache: dict[str, tuple] = {}
        self._place_cache: dict[str, tuple] = {}
        self._folded = {n: fold(n).replace(" ", "-") for n in v.FIRST_NAMES + v.LAST_NAMES}
        self.used_names: set[tuple[str, str]] = set()
        self.category_slugs = [slug for slug, _name, _colour in v.CATEGORIES]
        self.legal_forms, legal_weights = zip(*v.LEGAL_FORM_WEIGHTS, strict=True)
        self.legal_cumulative = list(accumulate(legal_weights))
        self.workforces, workforce_weights = zip(*v.WORKFORCE_WEIGHTS, strict=True)
        self.workforce_cumulative = list(accumulate(workforce_weights))

    # -- helpers -----------------------------------------------------------------------

    def _weighted(self, values, cumulative):
        return values[bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])]

    def unique_slug(self, base: str) -> str:
        base = base[:200].strip("-") or "organisation"
        slug, n = base, 1
        while slug in self.used_slugs:
            n += 1
            slug = f"{base}-{n}"
        self.used_slugs.add(slug)
        return slug

    def _jitter(self, commune, spread: float) -> tuple[float, float]:
        """A point near the centroid, within a radius that grows with the town's size."""
        radius = spread * (0.004 + 0.00004 * math.sqrt(commune.population or DEFAULT_POPULATION))
        distance = radius * math.sqrt(self.rng.random())
        angle = self.rng.random() * 2 * math.pi
        lat = commune.latitude + distance * math.cos(angle)
        lon = commune.longitude + distance * math.sin(angle) / math.cos(math.radians(lat))
        return round(lat, 6), round(lon, 6)

    def _nearest_pays(self, commune) -> tuple:
        """The two "pays" whose centre is closest to the commune: names that fit the place."""
        found = self._pays_cache.get(commune.code)
        if found is None:
            scale = math.cos(math.radians(commune.latitude))
            ranked = sorted(
                self._all_pays,
                key=lambda p: (
                    (p[2] - commune.latitude) ** 2 + ((p[3] - commune.longitude) * scale) ** 2
                ),
            )
            found = self._pays_cache[commune.code] = tuple(p[:2] for p in ranked[:2])
        return found

    # -- actors ------------------------------------------------------------------------

    def real_actor(self, data: dict, commune) -> ActorSpec:
        """An actor the seeds name, at its commune's centre (its exact place is not known)."""
        self.used_slugs.add(data["slug"])
        return ActorSpec(
            slug=data["slug"],
            name=data["name"],
            commune=commune,
            latitude=commune.latitude,
            longitude=commune.longitude,
            legal_form=data.get("legal_form", ""),
            address=data.get("address", ""),
            postcode=data.get("postcode", "") or (commune.postcodes.split(",")[0]),
            website=data.get("website", ""),
            description=data.get("description", ""),
            is_member=data.get("is_member", False),
            categories=tuple(data.get("categories", ())),
        )

    def _place(self, commune) -> tuple:
        """Per-commune words, computed once: "de Lille", "à Lille", the two nearest pays."""
        found = self._place_cache.get(commune.code)
        if found is None:
            found = self._place_cache[commune.code] = (
                de_place(commune.name),
                a_place(commune.name),
                self._nearest_pays(commune),
                commune.postcodes.split(",")[0] if commune.postcodes else "",
            )
        return found

    def actor(self, index: int) -> ActorSpec:
        rng = self.rng
        commune = self.communes[
            bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
        ]
        de_commune, a_commune, nearest_pays, postcode = self._place(commune)
        pays, de_pays = rng.choice(nearest_pays)
        category = rng.choice(self.category_slugs)
        categories = [category]
        if rng.random() < 0.35:
            second = rng.choice(self.category_slugs)
            if second != category:
                categories.append(second)
        words = {
            "de_c": de_commune,
            "a_c": a_commune,
            "p": pays,
            "de_p": de_pays,
            "noun": rng.choice(v.NOUNS),
            "adj": rng.choice(v.ADJECTIVES),
        }
        pattern = rng.choice(v.NAME_PATTERNS[category])
        name = pattern.format(**words)
        name = name[:1].upper() + name[1:]
        if (name, commune.code) in self.used_names:
            name = f"{name} – Le {rng.choice(v.NOUNS)} {rng.choice(v.ADJECTIVES)}"
        name = _ELISION.sub(lambda m: "L'" if m.group(1) == "Le" else "de l'", name)
        self.used_names.add((name, commune.code))
        base = name if "_c}" in pattern else f"{name} {commune.name}"
        slug = self.unique_slug(slugify(base))

        legal_form = self._weighted(self.legal_forms, self.legal_cumulative)
        if name.startswith("Coop"):
            legal_form = rng.choice(v.COOPERATIVE_FORMS)
        elif category == "insertion" and rng.random() < 0.5:
            legal_form = "siae"

        roll = rng.random()
        if roll < 0.92:
            precision, address = "municipality", ""
            lat, lon = self._jitter(commune, 1.0)
        else:
            precision = "street" if roll < 0.97 else "housenumber"
            number = "" if precision == "street" else f"{rng.randint(1, 180)} "
            address = f"{number}{rng.choice(v.STREETS)}"
            lat, lon = self._jitter(commune, 0.6)

        domain = slug[:60].strip("-")
        description = v.DESCRIPTIONS[category].format(**words)
        ending = rng.choice(v.DESCRIPTION_ENDINGS)
        status_roll = rng.random()
        spec = ActorSpec(
            slug=slug,
            name=name,
            commune=commune,
            latitude=lat,
            longitude=lon,
            geo_precision=precision,
            legal_form=legal_form,
            siret=siret_for(index, self.seed) if rng.random() < 0.85 else "",
            address=address,
            postcode=postcode,
            website=f"https://{domain}.example" if rng.random() < 0.45 else "",
            email=f"contact@{domain}.example" if rng.random() < 0.55 else "",
            phone=self._phone() if rng.random() < 0.35 else "",
            description=f"{description} {ending}".strip(),
            workforce=self._weighted(self.workforces, self.workforce_cumulative),
            status="published"
            if status_roll < 0.98
            else ("proposed" if status_roll < 0.99 else "archived"),
            is_member=rng.random() < 1 / 3,
            categories=tuple(categories),
        )
        if rng.random() < 0.35:
            spec.people.append(self.person(index))
        return spec

    def _phone(self) -> str:
        # 06 39 98 xx xx is a range ARCEP keeps for fiction: it reaches nobody.
        return f"06 39 98 {self.rng.randrange(100):02d} {self.rng.randrange(100):02d}"

    def person(self, index: int) -> PersonSpec:
        rng = self.rng
        first, last = rng.choice(v.FIRST_NAMES), rng.choice(v.LAST_NAMES)
        local = f"{self._folded[first]}.{self._folded[last]}"
        given_at = CONSENTS_SINCE + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        method = rng.choice(("import", "web_form", "paper"))
        consents = [("contact", method, given_at)]
        if rng.random() < 0.6:
            consents.append(("newsletter", method, given_at))
        return PersonSpec(
            first_name=first,
            last_name=last,
            email=f"{local}.{index}@demo.example",
            phone=self._phone() if rng.random() < 0.5 else "",
            role=rng.choice(v.ROLES),
            is_representative=rng.random() < 0.5,
            consents=tuple(consents),
        )
