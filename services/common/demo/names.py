"""Embedded French names, streets and towns for the demo data (invented people, real-sounding)."""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


_LAST_NAMES = _words("""
MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND DUBOIS MOREAU LAURENT SIMON MICHEL LEFÈVRE LEROY ROUX
DAVID BERTRAND MOREL FOURNIER GIRARD BONNET DUPONT LAMBERT FONTAINE ROUSSEAU VINCENT MÜLLER LEFEBVRE FAURE
ANDRÉ MERCIER BLANC GUÉRIN BOYER GARNIER CHEVALIER FRANÇOIS LEGRAND GAUTHIER GARCIA PERRIN ROBIN CLÉMENT
MORIN NICOLAS HENRY ROUSSEL MATHIEU GAUTIER MASSON MARCHAND DUVAL DENIS DUMONT MARIE LEMAIRE NOËL MEYER
DUFOUR MEUNIER BRUN BLANCHARD GIRAUD JOLY RIVIÈRE LUCAS BRUNET GAILLARD BARBIER ARNAUD MARTINEZ GÉRARD
ROCHE RENARD SCHMITT ROY LEROUX COLIN VIDAL CARON PICARD ROGER FABRE AUBERT LEMOINE RENAUD DUMAS LACROIX
OLIVIER PHILIPPE BOURGEOIS PIERRE BENOÎT REY LECLERC PAYET ROLLAND LECLERCQ GUILLAUME LECOMTE LÓPEZ JEAN
DUPUY GUILLOT HUBERT BERGER CARPENTIER SANCHEZ DUPUIS MOULIN LOUIS DESCHAMPS HUET VASSEUR PEREZ BOUCHER
FLEURY ROYER KLEIN JACQUET ADAM PARIS POIRIER MARTY AUBRY GUYOT CARRÉ CHARLES RENAULT CHARPENTIER MÉNARD
MAILLARD BARON BERTIN BAILLY HERVÉ SCHNEIDER FERNANDEZ LE_GALL COLLET LÉGER BOUVIER JULIEN PRÉVOST
MILLET PERROT DANIEL LE_ROUX COUSIN GERMAIN BRETON BESSON LANGLOIS RÉMY LE_GOFF PELLETIER LÉVÊQUE PERRIER
LEBLANC BARRÉ LEBRUN MARCHAL WEBER MALLET HAMON BOULANGER JACOB MONNIER MICHAUD RODRIGUEZ GUICHARD GILLET
ÉTIENNE GRONDIN POULAIN TESSIER CHEVALLIER COLLIN CHAUVIN DA_SILVA BOUCHET GAY LEMAÎTRE BENARD MARÉCHAL
HUMBERT REYNAUD ANTOINE HOARAU PERRET BARTHÉLEMY CORDIER PICHON LEJEUNE GILBERT LAMY DELAUNAY PASQUIER
CARLIER LAPORTE N'DIAYE DIALLO TRAORÉ BEN_ALI NGUYEN TRAN PHAM KOWALSKI NOWAK ÇELIK YILMAZ SANTOS
FERREIRA RODRIGUES ŒUVRARD D'ALMEIDA DE_OLIVEIRA SAINT-JEAN LE_BIHAN KERGUELEN QUÉRÉ ABGRALL
""")
LAST_NAMES = [name.replace("_", " ") for name in _LAST_NAMES]  # "_" joins the words of one name

GIRL_NAMES = _words("""
Emma Jade Louise Alice Chloé Lina Léa Rose Anna Mila Inès Ambre Julia Mia Léna Manon Juliette Lou Zoé
Camille Agathe Jeanne Lucie Éva Nina Sarah Romane Inaya Charlotte Léonie Romy Adèle Iris Lya Victoire Margaux
Léana Clémence Mathilde Elena Alba Maëlys Valentine Capucine Hélène Anaïs Océane Noémie Maëlle Salomé Gaëlle
Héloïse Zélie Bérénice Mélissa Aïcha Fatoumata Yasmine Émilie Solène Élise Joséphine Apolline Maïwenn Astrid
""")

BOY_NAMES = _words("""
Gabriel Léo Raphaël Arthur Louis Jules Adam Maël Lucas Hugo Noah Liam Gabin Sacha Paul Nathan Aaron Mohamed
Ethan Tom Léon Théo Noé Malo Martin Timéo Nolan Eden Marius Victor Mathis Axel Robin Valentin Clément Baptiste
Antoine Maxime Alexandre Thomas Enzo Rayan Évan Bastien Jérémy Loïc Gaël Yanis Amine Ibrahim Mamadou Quentin
Côme Noël Anatole Célestin Éloi Benoît Grégoire Hervé Joël Titouan Kylian Mattéo Elouan Corentin Łukasz
""")

# (street type, name): combined with a random number to make addresses.
STREETS = [
    ("RUE", "DES ÉCOLES"),
    ("RUE", "JEAN JAURÈS"),
    ("AVENUE", "DU GÉNÉRAL DE GAULLE"),
    ("RUE", "VICTOR HUGO"),
    ("BOULEVARD", "GAMBETTA"),
    ("CHEMIN", "DES VIGNES"),
    ("RUE", "DE LA RÉPUBLIQUE"),
    ("IMPASSE", "DES LILAS"),
    ("ALLÉE", "DES CHÊNES"),
    ("RUE", "PASTEUR"),
    ("PLACE", "DE LA MAIRIE"),
    ("RUE", "DU MOULIN"),
    ("ROUTE", "DE LAUNAGUET"),
    ("RUE", "SAINT-EXUPÉRY"),
    ("AVENUE", "DES PYRÉNÉES"),
    ("RUE", "MOLIÈRE"),
    ("RÉSIDENCE", "LES GLYCINES"),
    ("RUE", "DU 8 MAI 1945"),
    ("COURS", "DE L'INTENDANCE"),
    ("QUAI", "DES CHARTRONS"),
]

# (postal code, INSEE code, town) by department prefix of the UAI.
TOWNS: dict[str, list[tuple[str, str, str]]] = {
    "031": [
        ("31200", "31555", "TOULOUSE"),
        ("31500", "31555", "TOULOUSE"),
        ("31140", "31022", "AUCAMVILLE"),
        ("31150", "31186", "FENOUILLET"),
        ("31240", "31506", "L'UNION"),
        ("31770", "31157", "COLOMIERS"),
        ("31130", "31069", "BALMA"),
        ("31700", "31069", "BLAGNAC"),
    ],
    "033": [
        ("33000", "33063", "BORDEAUX"),
        ("33400", "33522", "TALENCE"),
        ("33600", "33318", "PESSAC"),
        ("33700", "33281", "MÉRIGNAC"),
        ("33150", "33119", "CENON"),
        ("33310", "33249", "LORMONT"),
        ("33130", "33069", "BÈGLES"),
        ("33140", "33550", "VILLENAVE-D'ORNON"),
    ],
    "075": [
        ("75011", "75111", "PARIS 11E ARRONDISSEMENT"),
        ("75012", "75112", "PARIS 12E ARRONDISSEMENT"),
        ("75020", "75120", "PARIS 20E ARRONDISSEMENT"),
        ("75019", "75119", "PARIS 19E ARRONDISSEMENT"),
        ("93100", "93048", "MONTREUIL"),
        ("94300", "94080", "VINCENNES"),
    ],
}

PROFESSIONS = [
    "10",
    "21",
    "22",
    "23",
    "31",
    "33",
    "34",
    "37",
    "38",
    "42",
    "43",
    "44",
    "46",
    "47",
    "48",
    "52",
    "53",
    "54",
    "55",
    "56",
    "61",
    "66",
    "69",
    "71",
    "72",
    "81",
    "82",
    "99",
]

# Birth communes outside the school's département (INSEE code, name): Corsica and overseas included.
BIRTH_COMMUNES: list[tuple[str, str]] = [
    ("69123", "LYON"), ("13055", "MARSEILLE"), ("59350", "LILLE"), ("67482", "STRASBOURG"),
    ("44109", "NANTES"), ("2A004", "AJACCIO"), ("2B033", "BASTIA"), ("97411", "SAINT-DENIS"),
    ("31555", "TOULOUSE"), ("33063", "BORDEAUX"), ("75056", "PARIS"), ("64445", "PAU"),
]  # fmt: skip
# Pupils born abroad: SIECLE's 3-digit country code (INSEE's 99xxx without 99) and town of birth.
FOREIGN_BIRTHPLACES: list[tuple[str, str]] = [
    ("350", "CASABLANCA"), ("352", "ALGER"), ("351", "TUNIS"), ("139", "PORTO"), ("134", "MADRID"),
    ("132", "LONDRES"), ("341", "DAKAR"), ("114", "BUCAREST"), ("208", "ISTANBUL"), ("131", "BRUXELLES"),
    ("127", "ROME"), ("109", "BERLIN"),
]  # fmt: skip
