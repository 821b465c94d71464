"""The real actors the two newsletters in `shared/seeds/` name, with only what they say.

No identifiers are made up for real organisations: their SIRET stays empty.
"""

# Actors the seeds name, with what the seeds say about them and nothing more.
REAL_ACTORS = (
    {
        "slug": "apes-hauts-de-france",
        "name": "APES Hauts-de-France",
        "legal_form": "association",
        "commune": "59350",
        "address": "235 boulevard Paul Painlevé",
        "postcode": "59000",
        "categories": ("education-populaire",),
        "is_member": False,
        "website": "https://www.apes-hdf.org",
        "description": (
            "Acteurs pour une Économie Solidaire en Hauts-de-France : le réseau régional de "
            "l'économie solidaire, à la Maison de l'Économie Sociale et Solidaire de Lille. "
            "Il organise la Rencontre des Solidaires, les Matinales et les « Ramène ta "
            "gamelle », et anime la cartographie coopérative de l'économie solidaire."
        ),
    },
    {
        "slug": "coop-manau",
        "name": "Coop Manau",
        "legal_form": "cooperative",
        "commune": "59350",
        "categories": ("alimentation",),
        "is_member": True,
        "description": (
            "Coopérative qui organise le déjeuner convivial de la Rencontre des Solidaires "
            "du 11 juin 2026 au Bazaar St So, à Lille."
        ),
    },
    {
        "slug": "bazaar-st-so",
        "name": "Bazaar St So",
        "legal_form": "",
        "commune": "59350",
        "address": "17 boulevard Jean-Baptiste Lebas",
        "categories": ("tiers-lieux", "culture"),
        "is_member": False,
        "description": (
            "Lieu lillois qui accueille la Rencontre des Solidaires du 11 juin 2026 : "
            "« pas de spectateurs, que des acteurs ! »"
        ),
    },
    {
        "slug": "la-manufacture-du-coquelicot",
        "name": "La Manufacture du Coquelicot",
        "legal_form": "",
        "commune": "80016",
        "categories": ("tiers-lieux",),
        "is_member": True,
        "description": (
            "Lieu d'Albert qui accueille, avec l'APES, la journée dédiée à l'économie de "
            "proximité du 10 juin 2026 (Semaine des achats socialement et écologiquement "
            "responsables) : porte ouverte, exposition, sourcing « Appel d'offres »."
        ),
    },
    {
        "slug": "le-toit-commun-lens",
        "name": "Le Toit Commun",
        "legal_form": "",
        "commune": "62498",
        "categories": ("tiers-lieux",),
        "is_member": False,
        "description": (
            "Lieu de Lens qui accueille les Matinales et la Fresque du handicap en emploi "
            "de l'APES, et le parcours d'amélioration continue des pratiques."
        ),
    },
    {
        "slug": "maison-stephane-hessel",
        "name": "Maison Stéphane Hessel",
        "legal_form": "",
        "commune": "59350",
        "address": "235 boulevard Paul Painlevé",
        "categories": ("education-populaire",),
        "is_member": False,
        "description": "Lieu lillois qui accueille la Fresque du handicap en emploi du 19 juin 2026.",
    },
    {
        "slug": "la-fabrique-de-l-emploi",
        "name": "La Fabrique de l'Emploi",
        "legal_form": "",
        "commune": "59599",
        "categories": ("insertion",),
        "is_member": False,
        "description": "À Tourcoing, accueille le « Ramène ta gamelle » du 3 juillet 2026.",
    },
    {
        "slug": "les-cabanes-inspirees",
        "name": "Les Cabanes Inspirées",
        "legal_form": "association",
        "commune": "59481",
        "categories": ("tiers-lieux", "habitat"),
        "is_member": True,
        "description": (
            "Projet de tiers-lieu de vie collectif en milieu rural porté par un groupe "
            "habitant le Pays de Mormal (Nord) et constitué en association. Nouvel adhérent "
            "de l'APES."
        ),
    },
    {
        "slug": "cerdd",
        "name": "CERDD",
        "legal_form": "autre",
        "commune": "62528",
        "categories": ("environnement",),
        "is_member": False,
        "description": (
            "Partenaire de l'APES et du réseau APURE pour aider les collectivités à mettre "
            "en œuvre les clauses sociales et environnementales des marchés publics."
        ),
    },
    {
        "slug": "louvre-lens-vallee",
        "name": "Louvre-Lens Vallée",
        "legal_form": "",
        "commune": "62498",
        "categories": ("numerique", "tiers-lieux"),
        "is_member": False,
        "description": "Lieu de la 2ᵉ Rencontre des Solidaires, le 12 juin 2025, à Lens.",
    },
    {
        "slug": "meef-santerre-haute-somme",
        "name": "MEEF Santerre Haute Somme",
        "legal_form": "association",
        "commune": "80620",
        "categories": ("insertion",),
        "is_member": False,
        "description": (
            "Co-organisatrice de la journée dédiée à l'économie de proximité du 10 juin 2026 "
            "à Albert."
        ),
    },
    {
        "slug": "communaute-de-communes-du-pays-du-coquelicot",
        "name": "Communauté de communes du Pays du Coquelicot",
        "legal_form": "collectivite",
        "commune": "80016",
        "categories": (),
        "is_member": False,
        "description": (
            "Co-organisatrice de la journée dédiée à l'économie de proximité du 10 juin 2026 "
            "à Albert ; territoire d'expérimentation des plateformes de l'économie solidaire."
        ),
    },
)
