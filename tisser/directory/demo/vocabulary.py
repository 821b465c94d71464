"""Words the demo network is made of: categories, legal forms, name patterns, places, people.

Everything here is invented except `REAL_ACTORS`, which lists only what the two
newsletters in `shared/seeds/` say about the actors they name (no identifiers are made up
for real organisations: their SIRET stays empty).
"""

DEPARTEMENTS = ("02", "59", "60", "62", "80")

# (slug, name, colour). Colours are distinct enough to tell markers apart on the map.
CATEGORIES = (
    ("alimentation", "Alimentation", "#d9661a"),
    ("tiers-lieux", "Tiers-lieux", "#7b4fa0"),
    ("insertion", "Insertion", "#c23b4e"),
    ("mobilite", "Mobilité", "#1f6fb4"),
    ("habitat", "Habitat", "#8c6d31"),
    ("culture", "Culture", "#c0398a"),
    ("numerique", "Numérique", "#23867a"),
    ("energie", "Énergie", "#b58900"),
    ("reemploi", "Réemploi", "#4c8a2a"),
    ("finance-solidaire", "Finance solidaire", "#3d5a80"),
    ("education-populaire", "Éducation populaire", "#e0531f"),
    ("environnement", "Environnement", "#2d6a4f"),
    ("sante-social", "Santé et action sociale", "#9b2226"),
)

# Legal forms (codes of `LegalForm`) with their weight in the network.
LEGAL_FORM_WEIGHTS = (
    ("association", 52),
    ("scop", 8),
    ("scic", 6),
    ("cooperative", 3),
    ("mutuelle", 2),
    ("fondation", 2),
    ("esus", 7),
    ("siae", 9),
    ("ea", 3),
    ("esat", 3),
    ("entreprise", 3),
    ("autre", 2),
)
COOPERATIVE_FORMS = ("scop", "scic", "cooperative")

WORKFORCE_WEIGHTS = (("0", 28), ("1-2", 20), ("3-9", 26), ("10-49", 18), ("50-249", 6), ("250+", 2))

# Name patterns by category. {de_c}: "de Lille", "d'Amiens", "du Portel"; {p}: a "pays"
# ("Artois"); {de_p}: "de l'Artois"; {noun}: a masculine noun; {adj}: a masculine adjective.
NAME_PATTERNS = {
    "alimentation": (
        "Épicerie solidaire {de_c}",
        "AMAP {de_c}",
        "Les Jardins {de_p}",
        "Le {noun} gourmand",
        "Coop'Alim {p}",
        "Restaurant associatif Le {noun}",
        "Les Paniers solidaires {de_p}",
        "Cuisine partagée {de_c}",
    ),
    "tiers-lieux": (
        "La Fabrique {de_c}",
        "Tiers-lieu Le {noun}",
        "La Manufacture {de_p}",
        "Le {noun} {adj}",
        "Les Ateliers {de_p}",
        "La Station {de_c}",
        "La Friche {de_c}",
    ),
    "insertion": (
        "Chantier d'insertion {de_p}",
        "Régie de quartier {de_c}",
        "{p} Services",
        "Atelier Chantier {de_c}",
        "Les Jardins d'insertion {de_p}",
        "Association intermédiaire {de_p}",
    ),
    "mobilite": (
        "Atelier Vélo {de_c}",
        "Vélo-école {de_c}",
        "Mobilité solidaire {de_p}",
        "Garage solidaire {de_p}",
        "Roue libre {p}",
    ),
    "habitat": (
        "Habitat participatif {de_c}",
        "Bâtisseurs solidaires {de_p}",
        "Coop'Habitat {p}",
        "Foncière solidaire {de_p}",
        "Le Toit {adj} {de_c}",
    ),
    "culture": (
        "Compagnie du {noun}",
        "Théâtre {adj} {de_c}",
        "Café culturel Le {noun}",
        "Radio associative {p}",
        "Les Tréteaux {de_p}",
        "Festival {adj} {de_c}",
    ),
    "numerique": (
        "Numérique solidaire {de_p}",
        "Coop'Num {p}",
        "Médiation numérique {de_c}",
        "Les Ordis solidaires {de_p}",
        "Libre {p}",
    ),
    "energie": (
        "Coop'Énergie {p}",
        "Énergies citoyennes {de_p}",
        "Centrale villageoise {de_c}",
        "Soleil {de_p}",
    ),
    "reemploi": (
        "Ressourcerie {de_p}",
        "Recyclerie {de_c}",
        "Repair Café {de_c}",
        "Boutique solidaire {de_c}",
        "Atelier couture et réemploi {de_c}",
    ),
    "finance-solidaire": (
        "Cigales {de_p}",
        "Fonds solidaire {de_p}",
        "Club d'investisseurs solidaires {p}",
        "Épargne citoyenne {de_p}",
    ),
    "education-populaire": (
        "Centre social {de_c}",
        "Maison des jeunes {de_c}",
        "Foyer rural {de_c}",
        "Université populaire {de_p}",
        "Les Curieux {de_p}",
    ),
    "environnement": (
        "Collectif zéro déchet {de_c}",
        "Jardin partagé {de_c}",
        "Sentiers {de_p}",
        "Nature et transition {de_p}",
    ),
    "sante-social": (
        "Maison de santé {de_c}",
        "Aide à domicile {de_p}",
        "Coop'Soin {p}",
        "Résidence partagée {de_c}",
        "Pair-aidance {p}",
    ),
}

NOUNS = (
    "Grenier",
    "Hangar",
    "Fournil",
    "Moulin",
    "Bocal",
    "Chaudron",
    "Comptoir",
    "Relais",
    "Potager",
    "Cabanon",
    "Passage",
    "Quai",
    "Kiosque",
    "Beffroi",
    "Terril",
    "Estaminet",
    "Carillon",
    "Tamis",
    "Métier",
    "Fil",
)
ADJECTIVES = (
    "solidaire",
    "partagé",
    "commun",
    "vert",
    "citoyen",
    "coopératif",
    "nomade",
    "ouvert",
    "voisin",
    "buissonnier",
)

# "Pays" of each département: name, the way French says "of" before it, rough centre.
PAYS = {
    "59": (
        ("Flandre", "de Flandre", 50.85, 2.45),
        ("Pévèle", "de la Pévèle", 50.52, 3.2),
        ("Avesnois", "de l'Avesnois", 50.12, 3.92),
        ("Cambrésis", "du Cambrésis", 50.17, 3.23),
        ("Douaisis", "du Douaisis", 50.37, 3.08),
        ("Valenciennois", "du Valenciennois", 50.36, 3.52),
        ("Val de Sambre", "du Val de Sambre", 50.28, 3.97),
        ("Mélantois", "du Mélantois", 50.6, 3.12),
        ("Dunkerquois", "du Dunkerquois", 51.02, 2.35),
        ("Ostrevent", "de l'Ostrevent", 50.33, 3.27),
        ("Weppes", "des Weppes", 50.62, 2.88),
        ("Pays de Mormal", "du Pays de Mormal", 50.22, 3.7),
        ("Houtland", "du Houtland", 50.8, 2.6),
    ),
    "62": (
        ("Artois", "de l'Artois", 50.29, 2.77),
        ("Gohelle", "de la Gohelle", 50.44, 2.8),
        ("Ternois", "du Ternois", 50.35, 2.3),
        ("Boulonnais", "du Boulonnais", 50.7, 1.7),
        ("Calaisis", "du Calaisis", 50.93, 1.9),
        ("Audomarois", "de l'Audomarois", 50.75, 2.25),
        ("Montreuillois", "du Montreuillois", 50.45, 1.75),
        ("Bassin minier", "du Bassin minier", 50.45, 2.95),
        ("Lys romane", "de la Lys romane", 50.6, 2.55),
        ("Côte d'Opale", "de la Côte d'Opale", 50.55, 1.6),
    ),
    "80": (
        ("Santerre", "du Santerre", 49.8, 2.75),
        ("Vimeu", "du Vimeu", 50.05, 1.65),
        ("Ponthieu", "du Ponthieu", 50.15, 1.95),
        ("Marquenterre", "du Marquenterre", 50.3, 1.65),
        ("Amiénois", "de l'Amiénois", 49.9, 2.3),
        ("Haute Somme", "de la Haute Somme", 49.93, 2.95),
        ("Baie de Somme", "de la Baie de Somme", 50.18, 1.6),
        ("Pays du Coquelicot", "du Pays du Coquelicot", 50.03, 2.6),
    ),
    "60": (
        ("Beauvaisis", "du Beauvaisis", 49.43, 2.08),
        ("Noyonnais", "du Noyonnais", 49.58, 3.0),
        ("Clermontois", "du Clermontois", 49.38, 2.42),
        ("Valois", "du Valois", 49.2, 2.9),
        ("Pays de Bray", "du Pays de Bray", 49.5, 1.8),
        ("Vexin", "du Vexin", 49.25, 1.9),
        ("Compiégnois", "du Compiégnois", 49.41, 2.82),
        ("Plateau picard", "du Plateau picard", 49.6, 2.45),
    ),
    "02": (
        ("Thiérache", "de la Thiérache", 49.9, 3.9),
        ("Soissonnais", "du Soissonnais", 49.38, 3.32),
        ("Laonnois", "du Laonnois", 49.56, 3.62),
        ("Vermandois", "du Vermandois", 49.85, 3.28),
        ("Omois", "de l'Omois", 49.05, 3.4),
        ("Chaunois", "du Chaunois", 49.62, 3.22),
    ),
}

DESCRIPTIONS = {
    "alimentation": "Rend accessible une alimentation locale et de qualité {a_c}, en lien avec les producteurs {de_p}.",
    "tiers-lieux": "Lieu ouvert {a_c} où habitants, associations et entrepreneurs partagent des espaces, des outils et des projets.",
    "insertion": "Accompagne vers l'emploi des personnes qui en sont éloignées, par des activités utiles au territoire {de_p}.",
    "mobilite": "Aide chacun à se déplacer autrement {a_c} : réparation, prêt et apprentissage du vélo, solutions partagées.",
    "habitat": "Porte des projets d'habitat abordable et écologique, conçus avec leurs habitants {a_c}.",
    "culture": "Fait vivre la création et les pratiques artistiques au plus près des habitants {de_p}.",
    "numerique": "Accompagne les habitants et les associations {de_p} vers un numérique libre, sobre et accessible.",
    "energie": "Produit une énergie renouvelable financée et gouvernée par les citoyens {de_p}.",
    "reemploi": "Collecte, répare et revend à petit prix objets et vêtements {a_c}, pour moins de déchets et plus d'emplois.",
    "finance-solidaire": "Oriente l'épargne des habitants {de_p} vers des entreprises locales, sociales et écologiques.",
    "education-populaire": "Propose {a_c} des activités, des débats et des formations pour agir ensemble sur son quotidien.",
    "environnement": "Protège la nature {de_p} et invite chacun à la transition écologique par l'action collective.",
    "sante-social": "Prend soin des personnes {a_c} : accès aux soins, accompagnement à domicile, entraide.",
}
DESCRIPTION_ENDINGS = (
    "Gouvernance partagée entre salariés, bénévoles et usagers.",
    "Ouvert à toutes et tous, sur rendez-vous ou lors des permanences.",
    "Coopère avec les autres acteurs de l'économie solidaire du territoire.",
    "Recherche des bénévoles et des partenaires.",
    "",
    "",
)

FIRST_NAMES = (
    "Camille",
    "Julie",
    "Claire",
    "Sophie",
    "Nadia",
    "Aïcha",
    "Léa",
    "Manon",
    "Inès",
    "Sarah",
    "Élodie",
    "Marion",
    "Chloé",
    "Fatima",
    "Emma",
    "Thomas",
    "Nicolas",
    "Julien",
    "Mathieu",
    "Karim",
    "Mehdi",
    "Antoine",
    "Baptiste",
    "Pierre",
    "Hugo",
    "Lucas",
    "Yanis",
    "Olivier",
    "Damien",
    "Sébastien",
    "Alexandre",
    "Romain",
)
LAST_NAMES = (
    "Dupont",
    "Lefebvre",
    "Lemaire",
    "Delattre",
    "Vandenbussche",
    "Desmet",
    "Caron",
    "Lecomte",
    "Dubois",
    "Leroy",
    "Martin",
    "Bernard",
    "Petit",
    "Durand",
    "Moreau",
    "Lambert",
    "Fontaine",
    "Roussel",
    "Dufour",
    "Carpentier",
    "Leclercq",
    "Devos",
    "Vasseur",
    "Wattel",
    "Duquesne",
    "Boulanger",
    "Deschamps",
    "Merlin",
    "Benali",
    "Haddad",
    "Kowalski",
    "Nowak",
    "Mendes",
    "Diallo",
    "Traoré",
    "Nguyen",
    "Pereira",
    "Lemoine",
)
ROLES = (
    "Président·e",
    "Co-président·e",
    "Directeur·rice",
    "Coordinateur·rice",
    "Chargé·e de mission",
    "Gérant·e",
    "Trésorier·e",
    "Animateur·rice",
)
STREETS = (
    "rue de la République",
    "rue Jean Jaurès",
    "place du Général de Gaulle",
    "rue Victor Hugo",
    "rue Pasteur",
    "rue de la Gare",
    "avenue Roger Salengro",
    "rue Faidherbe",
    "rue Nationale",
    "rue des Écoles",
    "chemin des Prés",
    "rue du Moulin",
    "rue Gambetta",
    "rue de Lille",
)

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
