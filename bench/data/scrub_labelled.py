"""Hand-labelled French field notes for ``bench/scrub_quality.py``.

Written before the scrubber rules, in the voice of IAE staff (CIP, accompagnateurs socio-
professionnels, encadrants techniques, directions of SIAE). Every identifier is made up; NIRs
and IBANs carry valid keys unless a comment says otherwise (a real one would).

Each case is ``(text, spans, structure_names)``:

* ``spans``: ``(kind, substring)`` pairs, the substring as written in ``text`` (evasion
  characters included). Every occurrence of the substring is expected to be masked. Kinds:
  ``phone``, ``email``, ``nir``, ``iban``, ``name``, ``address``, ``birth_date``,
  ``structure``. For a civility + name, only the name is the span (keeping ``Mme`` is fine).
  For a birth date, only the date (``née le`` may stay).
* an empty ``spans`` means an ordinary sentence that must come back unchanged.
* ``structure_names``: what the author declared as their own structure.

Every identifier of a positive string is labelled, so anything else masked in it is spurious.
"""

from __future__ import annotations

Span = tuple[str, str]
Case = tuple[str, tuple[Span, ...], tuple[str, ...]]


def P(text: str, *spans: Span, structures: tuple[str, ...] = ()) -> Case:
    return (text, spans, structures)


def N(text: str, *, structures: tuple[str, ...] = ()) -> Case:
    return (text, (), structures)


PHONES: list[Case] = [
    P(
        "Son portable : 06 12 34 56 78, la joindre plutôt le matin.",
        ("phone", "06 12 34 56 78"),
    ),
    P("Joignable au 07.81.22.45.90 après 17h.", ("phone", "07.81.22.45.90")),
    P("Numéro du salarié : 06-45-78-12-33.", ("phone", "06-45-78-12-33")),
    P("Appeler le 0612345678 pour confirmer la PMSMP.", ("phone", "0612345678")),
    P("Fixe : 04 76 12 34 56 (domicile).", ("phone", "04 76 12 34 56")),
    P(
        "Nouveau numéro +33 6 12 34 56 78 depuis son changement d'opérateur.",
        ("phone", "+33 6 12 34 56 78"),
    ),
    P("Contact chez sa tante en Belgique : +32 470 12 34 56.", ("phone", "+32 470 12 34 56")),
    P("tel:+33612345678", ("phone", "+33612345678")),
    P(
        "Son frère au 0033 7 81 22 45 90 peut servir de relais.",
        ("phone", "0033 7 81 22 45 90"),
    ),
    P("Portable +33 (0)6 45 78 12 33, répondeur souvent plein.", ("phone", "+33 (0)6 45 78 12 33")),
    P("Joignable au 0692 12 34 56 (elle est à La Réunion).", ("phone", "0692 12 34 56")),
    P(
        "Elle est repartie en Guadeloupe, portable 0690 45 67 89.",
        ("phone", "0690 45 67 89"),
    ),
    P("Son nouveau numéro réunionnais : +262 692 12 34 56", ("phone", "+262 692 12 34 56")),
    P("Portable en Guadeloupe +590 690 12 34 56.", ("phone", "+590 690 12 34 56")),
    P("Fixe de la famille en Martinique : 0596 71 23 45", ("phone", "0596 71 23 45")),
    P("Numéro : 06\u200b12 34 56 78", ("phone", "06\u200b12 34 56 78")),
    P(
        "Le joindre au ０６ １２ ３４ ５６ ７８ svp",
        ("phone", "０６ １２ ３４ ５６ ７８"),
    ),
    P(
        "Tél perso 06\u200912\u200934\u200956\u200978 (ne pas diffuser)",
        ("phone", "06\u200912\u200934\u200956\u200978"),
    ),
    P(
        "Portable : 06\u202f12\u202f34\u202f56\u202f78.",
        ("phone", "06\u202f12\u202f34\u202f56\u202f78"),
    ),
    P(
        "Son numéro 07\u206081\u206022\u206045\u206090 ne répond plus.",
        ("phone", "07\u206081\u206022\u206045\u206090"),
    ),
    P("Appeler le 0\u00ad6 12 34 56 78 en fin de journée.", ("phone", "0\u00ad6 12 34 56 78")),
    P("Tél : 06.12 34-56 78", ("phone", "06.12 34-56 78")),
    P(
        "Numéros : 06 12 34 56 78 / 07 81 22 45 90 (le second est celui de sa femme).",
        ("phone", "06 12 34 56 78"),
        ("phone", "07 81 22 45 90"),
    ),
    P("Son numéro : 0 6 1 2 3 4 5 6 7 8", ("phone", "0 6 1 2 3 4 5 6 7 8")),
    P("port. 06 123 456 78", ("phone", "06 123 456 78")),
    P("Il a changé de numéro : 0612 345 678.", ("phone", "0612 345 678")),
    P("Le numéro de sa mère : (+33) 6 12 34 56 78", ("phone", "(+33) 6 12 34 56 78")),
    P("Rappeler Mme D. au 09 70 12 34 56 demain.", ("phone", "09 70 12 34 56")),
    P("Il viendra lundi (06 12 34 56 78).", ("phone", "06 12 34 56 78")),
    P("tél. 06/12/34/56/78", ("phone", "06/12/34/56/78")),
    P("Mobile : +33-6-12-34-56-78", ("phone", "+33-6-12-34-56-78")),
    P("Fixe : 05 56 12 34 56, il vit à Bordeaux.", ("phone", "05 56 12 34 56")),
    P("Joignable en Nouvelle-Calédonie au +687 75 12 34.", ("phone", "+687 75 12 34")),
    P(
        "Le joindre sur WhatsApp au +212 6 61 23 45 67 pendant son séjour.",
        ("phone", "+212 6 61 23 45 67"),
    ),
    P("Portable : \u202a06 12 34 56 78\u202c", ("phone", "\u202a06 12 34 56 78\u202c")),
    P("num 07 81 22 45 90 (messagerie pleine)", ("phone", "07 81 22 45 90")),
    P(
        "Tél 06\u200712\u200734\u200756\u200778 pour les urgences.",
        ("phone", "06\u200712\u200734\u200756\u200778"),
    ),
    P(
        "Tél\u00a0: 06\u00a012\u00a034\u00a056\u00a078.",
        ("phone", "06\u00a012\u00a034\u00a056\u00a078"),
    ),
    P(
        "Il a donné le numéro de son employeur, 04\u200c76\u200c55\u200c12\u200c90.",
        ("phone", "04\u200c76\u200c55\u200c12\u200c90"),
    ),
    P("SMS au 06\ufeff45 78 12 33 plutôt qu'un appel.", ("phone", "06\ufeff45 78 12 33")),
]

EMAILS: list[Case] = [
    P("Son adresse mail : karim.benali@gmail.com", ("email", "karim.benali@gmail.com")),
    P(
        "Envoyer le CV à fatou.diallo93@hotmail.fr avant vendredi.",
        ("email", "fatou.diallo93@hotmail.fr"),
    ),
    P(
        "Mail perso : sophie.martin [at] gmail [dot] com",
        ("email", "sophie.martin [at] gmail [dot] com"),
    ),
    P("contact : j.dupont(at)laposte.net", ("email", "j.dupont(at)laposte.net")),
    P(
        "Elle préfère le mail : yasmina.b arobase orange.fr",
        ("email", "yasmina.b arobase orange.fr"),
    ),
    P("Il lit ses mails sur k.benali @ free.fr", ("email", "k.benali @ free.fr")),
    P("adresse m.nguyen[@]yahoo.fr", ("email", "m.nguyen[@]yahoo.fr")),
    P(
        "adresse : lucas.morel (arobase) gmail (point) com",
        ("email", "lucas.morel (arobase) gmail (point) com"),
    ),
    P("Écrire à JEAN.DUPONT@WANADOO.FR pour la suite.", ("email", "JEAN.DUPONT@WANADOO.FR")),
    P("Mail : aicha.b＠gmail.com", ("email", "aicha.b＠gmail.com")),
    P("mail marie.dupont@orange\u200b.fr", ("email", "marie.dupont@orange\u200b.fr")),
    P("son mail c'est a.diallo at gmail dot com", ("email", "a.diallo at gmail dot com")),
    P(
        "Copie à referente.rsa@isere.fr et à la CIP.",
        ("email", "referente.rsa@isere.fr"),
    ),
    P(
        "Sa conseillère : claire.vincent@francetravail.fr",
        ("email", "claire.vincent@francetravail.fr"),
    ),
    P("mail : thomas_bernard-52@outlook.com", ("email", "thomas_bernard-52@outlook.com")),
    P("email: ousmane.k{at}gmail.com", ("email", "ousmane.k{at}gmail.com")),
    P("mail : n.girard @gmail.com", ("email", "n.girard @gmail.com")),
    P("sophie.martin[at]gmail.com est son adresse perso", ("email", "sophie.martin[at]gmail.com")),
    P("écrire à m.rossi@mail.insertion38.org.", ("email", "m.rossi@mail.insertion38.org")),
]

NIRS: list[Case] = [
    # key 36 is wrong (it should be 91): a mistyped NIR is still a NIR.
    P("NIR : 1 85 05 78 006 084 36 (clé erronée ?)", ("nir", "1 85 05 78 006 084 36")),
    P("n° sécu 185057800608491", ("nir", "185057800608491")),
    P("N° SS 2 69 05 49 588 157 80 transmis à la CPAM.", ("nir", "2 69 05 49 588 157 80")),
    P("Sécurité sociale : 1-93-07-38-185-123-58", ("nir", "1-93-07-38-185-123-58")),
    P("NIR 2.88.12.69.123.045.76", ("nir", "2.88.12.69.123.045.76")),
    P("numéro de sécu 1760213055411 54", ("nir", "1760213055411 54")),
    P("NIR provisoire 2 02 04 75 111 062 en attendant la carte.", ("nir", "2 02 04 75 111 062")),
    P("N° sécu : 2 99 08 2A 004 012 61", ("nir", "2 99 08 2A 004 012 61")),
    P("sécu １８５０５７８００６０８４９１", ("nir", "１８５０５７８００６０８４９１")),
    P("NIR 1 85 05 78\u200b006 084 91", ("nir", "1 85 05 78\u200b006 084 91")),
    P(
        "NIR 1\u202f85\u202f05\u202f78\u202f006\u202f084\u202f91",
        ("nir", "1\u202f85\u202f05\u202f78\u202f006\u202f084\u202f91"),
    ),
    P("numéro INSEE 2950593066004 45", ("nir", "2950593066004 45")),
    P("carte vitale : 1 02 10 75 108 033 49", ("nir", "1 02 10 75 108 033 49")),
    P(
        "NIR 1 84 01 38 185 212 23 transmis au Pôle emploi.",
        ("nir", "1 84 01 38 185 212 23"),
    ),
    P("Le NIR 2 78 10 33 063 149 01 figure sur l'attestation.", ("nir", "2 78 10 33 063 149 01")),
    P("nir 185 05 78 006 084 91", ("nir", "185 05 78 006 084 91")),
    P("Sécu: 1 92 06 69 123 456 05.", ("nir", "1 92 06 69 123 456 05")),
]

IBANS: list[Case] = [
    P(
        "IBAN : FR76 3000 6000 0112 3456 7890 189",
        ("iban", "FR76 3000 6000 0112 3456 7890 189"),
    ),
    P(
        "RIB pour l'aide au permis : FR1420041010050500013M02606",
        ("iban", "FR1420041010050500013M02606"),
    ),
    P("iban fr49 1010 7001 1800 0123 4567 823", ("iban", "fr49 1010 7001 1800 0123 4567 823")),
    P(
        "IBAN FR76-1660-6100-6400-1353-9343-253",
        ("iban", "FR76-1660-6100-6400-1353-9343-253"),
    ),
    P(
        "Virement sur FR50 1450 8000 4023 4567 8901 275 le 5 du mois.",
        ("iban", "FR50 1450 8000 4023 4567 8901 275"),
    ),
    P("Elle a un compte belge BE71 0961 2345 6769.", ("iban", "BE71 0961 2345 6769")),
    P("compte allemand DE89 3704 0044 0532 0130 00", ("iban", "DE89 3704 0044 0532 0130 00")),
    P(
        "IBAN ES91 2100 0418 4502 0005 1332 (compte espagnol)",
        ("iban", "ES91 2100 0418 4502 0005 1332"),
    ),
    P(
        "IBAN FR16 3000\u200b3012 3400 0501 2345 678",
        ("iban", "FR16 3000\u200b3012 3400 0501 2345 678"),
    ),
    P(
        "IBAN : ＦＲ７６ ３０００ ６０００ ０１１２ ３４５６ ７８９０ １８９",
        ("iban", "ＦＲ７６ ３０００ ６０００ ０１１２ ３４５６ ７８９０ １８９"),
    ),
    P(
        "IBAN du compte au Portugal : PT50 0002 0123 1234 5678 9015 4",
        ("iban", "PT50 0002 0123 1234 5678 9015 4"),
    ),
    P(
        "IBAN\u00a0: FR76\u00a03000\u00a06000\u00a00112\u00a03456\u00a07890\u00a0189",
        ("iban", "FR76\u00a03000\u00a06000\u00a00112\u00a03456\u00a07890\u00a0189"),
    ),
    P(
        "Compte Nickel : FR76 1660 6100 6400 1353 9343 253, pour le remboursement.",
        ("iban", "FR76 1660 6100 6400 1353 9343 253"),
    ),
]

NAMES: list[Case] = [
    P(
        "J'ai accompagné Karim Benali pendant 18 mois, il a décroché un CDI.",
        ("name", "Karim Benali"),
    ),
    P("Sophie m'a dit qu'elle ne pouvait plus venir le mardi.", ("name", "Sophie")),
    P("Rdv avec Mme Martin ce matin, bilan à mi-parcours positif.", ("name", "Martin")),
    P("M. Dupont souhaite une PMSMP en espaces verts.", ("name", "Dupont")),
    P("Monsieur Jean Dupont a été orienté par France Travail.", ("name", "Jean Dupont")),
    P(
        "Madame Le Goff, salariée en ACI depuis mars, a obtenu son permis.",
        ("name", "Le Goff"),
    ),
    P("Mr. Haddad refuse le poste en blanchisserie.", ("name", "Haddad")),
    P("Fatou Diallo a commencé sa formation CACES le 3 février.", ("name", "Fatou Diallo")),
    P(
        "Entretien tripartite avec Kevin Morel et son conseiller Mission locale.",
        ("name", "Kevin Morel"),
    ),
    P("Mlle Nguyen est très motivée, on vise une sortie en emploi durable.", ("name", "Nguyen")),
    P("Échange avec BENALI Karim sur ses contraintes de garde.", ("name", "BENALI Karim")),
    P(
        "Yasmina Bouzid (salariée polyvalente) a fini son contrat.",
        ("name", "Yasmina Bouzid"),
    ),
    P("Lucas est arrivé en retard trois fois cette semaine.", ("name", "Lucas")),
    P(
        "On a revu Mamadou Traoré avec la CIP pour le projet cariste.",
        ("name", "Mamadou Traoré"),
    ),
    P("Mme Rousseau-Lefèvre a obtenu son titre pro ADVF.", ("name", "Rousseau-Lefèvre")),
    P(
        "Le référent de M. Ahmed Benchikh à la DDETS a validé la prolongation.",
        ("name", "Ahmed Benchikh"),
    ),
    P("Je suis Nathalie Girard depuis 2023 en tant que CIP.", ("name", "Nathalie Girard")),
    P(
        "Pierre-Antoine Lambert a signé un CDDI de 26 heures.",
        ("name", "Pierre-Antoine Lambert"),
    ),
    P("Aïcha m'a appelée pour décaler son rendez-vous.", ("name", "Aïcha")),
    P("Point avec Madame Fernandes sur son dossier de surendettement.", ("name", "Fernandes")),
    P("Le fils de Mme Petit est malade, elle sera absente.", ("name", "Petit")),
    P(
        "Thomas Bernard, 52 ans, ancien chauffeur, cherche une reconversion.",
        ("name", "Thomas Bernard"),
    ),
    P(
        "Rencontre avec Sébastien Roux, encadrant technique, pour le planning.",
        ("name", "Sébastien Roux"),
    ),
    P("Selon Julie, la salariée a besoin d'un accompagnement santé.", ("name", "Julie")),
    P(
        "Monsieur Moreau Jean-Claude, sortie en formation qualifiante.",
        ("name", "Moreau Jean-Claude"),
    ),
    P("Mme DA SILVA a rapporté son attestation CAF.", ("name", "DA SILVA")),
    P(
        "Inès Chevalier et Marc Fontaine ont fini le chantier de la Bastille.",
        ("name", "Inès Chevalier"),
        ("name", "Marc Fontaine"),
    ),
    P("Bilan PMSMP de Samir chez Leroy Merlin : très positif.", ("name", "Samir")),
    P("Dr Lemaire, médecin du travail, a émis des restrictions.", ("name", "Lemaire")),
    P(
        "Élodie Marchand est passée en CDI chez l'entreprise utilisatrice.",
        ("name", "Élodie Marchand"),
    ),
    P("Ousmane a obtenu son permis B du premier coup !", ("name", "Ousmane")),
    P("Le dossier de Mme Benoît-Dumas est complet.", ("name", "Benoît-Dumas")),
    P(
        "Accompagnement de Jean-Marc Vidal : levée des freins logement en cours.",
        ("name", "Jean-Marc Vidal"),
    ),
    P(
        "Nous avons reçu Mme Khadija El Amrani pour un premier entretien.",
        ("name", "Khadija El Amrani"),
    ),
    P("Monsieur Kowalski ne répond plus depuis deux semaines.", ("name", "Kowalski")),
    P("Hugo Lefebvre, orienté par le SPIP, démarre lundi.", ("name", "Hugo Lefebvre")),
    P(
        "Maria Santos travaille désormais comme agente d'entretien.",
        ("name", "Maria Santos"),
    ),
    P("Mr Vasseur a demandé un acompte.", ("name", "Vasseur")),
    P("MME BERTRAND viendra signer vendredi.", ("name", "BERTRAND")),
    P(
        "La salariée, Mme Ndiaye, a été félicitée par l'entreprise.",
        ("name", "Ndiaye"),
    ),
]

ADDRESSES: list[Case] = [
    P(
        "Il habite 12 rue des Lilas, 38000 Grenoble, au 3e étage.",
        ("address", "12 rue des Lilas, 38000 Grenoble"),
    ),
    P(
        "Nouvelle adresse : 3 bis avenue Jean Jaurès 69007 Lyon.",
        ("address", "3 bis avenue Jean Jaurès 69007 Lyon"),
    ),
    P("Courrier retourné du 14, boulevard Gambetta.", ("address", "14, boulevard Gambetta")),
    P(
        "Elle est hébergée chez sa sœur, 5 chemin des Vignes à Voreppe.",
        ("address", "5 chemin des Vignes"),
    ),
    P(
        "Domicilié 8 allée des Tilleuls, 33600 Pessac.",
        ("address", "8 allée des Tilleuls, 33600 Pessac"),
    ),
    P(
        "Adresse : 27 impasse du Moulin 38500 Voiron",
        ("address", "27 impasse du Moulin 38500 Voiron"),
    ),
    P(
        "RDV à domicile, 2 place de la Liberté, Saint-Égrève.",
        ("address", "2 place de la Liberté"),
    ),
    P("Il loge 45 quai Perrache dans un foyer.", ("address", "45 quai Perrache")),
    P(
        "Elle vit 112 route de Lyon 38120 Saint-Égrève.",
        ("address", "112 route de Lyon 38120 Saint-Égrève"),
    ),
    P("Son adresse est 9 cours Berriat, Grenoble.", ("address", "9 cours Berriat")),
    P(
        "Il vit au lieu-dit Les Granges, 38650 Monestier-de-Clermont.",
        ("address", "lieu-dit Les Granges, 38650 Monestier-de-Clermont"),
    ),
    P(
        "Nouveau logement au 17 bd Victor Hugo 33000 Bordeaux.",
        ("address", "17 bd Victor Hugo 33000 Bordeaux"),
    ),
    P(
        "Changement d'adresse : 4 rue du Général de Gaulle.",
        ("address", "4 rue du Général de Gaulle"),
    ),
    P(
        "Elle est domiciliée au CCAS, 1 rue de l'Hôtel de Ville.",
        ("address", "1 rue de l'Hôtel de Ville"),
    ),
    P(
        "Adresse postale : 56 avenue de la République 75011 Paris",
        ("address", "56 avenue de la République 75011 Paris"),
    ),
    P("Habite 6 rue Pasteur à Échirolles.", ("address", "6 rue Pasteur")),
    P(
        "Sa mère habite 21 B rue Émile Zola, 69100 Villeurbanne.",
        ("address", "21 B rue Émile Zola, 69100 Villeurbanne"),
    ),
    P("Adresse : 10 ter allée des Peupliers", ("address", "10 ter allée des Peupliers")),
    P("Il dort chez un ami 33 rue Saint-Laurent.", ("address", "33 rue Saint-Laurent")),
    P(
        "Le logement proposé est au 7 impasse des Rosiers, 38400 Saint-Martin-d'Hères.",
        ("address", "7 impasse des Rosiers, 38400 Saint-Martin-d'Hères"),
    ),
    P(
        "Courrier : Résidence Les Pins, bât. C, 18 avenue Marcelin Berthelot, 38100 Grenoble",
        ("address", "18 avenue Marcelin Berthelot, 38100 Grenoble"),
    ),
    P("Elle vit rue des Alpes à Fontaine, près du tram.", ("address", "rue des Alpes")),
    P(
        "Déménagement prévu au 140, chemin de la Croix-Rouge, 38330 Montbonnot",
        ("address", "140, chemin de la Croix-Rouge, 38330 Montbonnot"),
    ),
    P("Il est hébergé 3 Rue Voltaire, au foyer.", ("address", "3 Rue Voltaire")),
]

BIRTH_DATES: list[Case] = [
    P(
        "Salarié né le 12/03/1985 à Alger, arrivé en France en 2010.",
        ("birth_date", "12/03/1985"),
    ),
    P("Elle est née le 3 mars 1990.", ("birth_date", "3 mars 1990")),
    P("Date de naissance : 12.03.1985", ("birth_date", "12.03.1985")),
    P("DDN 12/03/85, permis en cours.", ("birth_date", "12/03/85")),
    P("Né(e) le 07/11/1978", ("birth_date", "07/11/1978")),
    P(
        "M. K., né le 1er janvier 1969, 30 ans d'expérience dans le BTP.",
        ("birth_date", "1er janvier 1969"),
    ),
    P("date de naissance 25-12-1992", ("birth_date", "25-12-1992")),
    P(
        "née le 14 juillet 2001, donc 23 ans à l'entrée",
        ("birth_date", "14 juillet 2001"),
    ),
    P("Date naiss. : 02/02/1975", ("birth_date", "02/02/1975")),
    P("Il est né le 9/4/1988 au Mali.", ("birth_date", "9/4/1988")),
    P("D.D.N : 30/06/1999", ("birth_date", "30/06/1999")),
    P("né(e) le : 18 / 05 / 1983", ("birth_date", "18 / 05 / 1983")),
    P("Née le 5 septembre 1972 à Lyon.", ("birth_date", "5 septembre 1972")),
]

STRUCTURES: list[Case] = [
    P(
        "L'AI du Grésivaudan a recruté 4 personnes en mars.",
        ("structure", "AI du Grésivaudan"),
        structures=("AI du Grésivaudan",),
    ),
    P(
        "Chez nous à l'ai du gresivaudan, on manque d'encadrants.",
        ("structure", "ai du gresivaudan"),
        structures=("AI du Grésivaudan",),
    ),
    P(
        "Tremplin  Emploi 38 accueille 40 salariés.",
        ("structure", "Tremplin  Emploi 38"),
        structures=("Tremplin Emploi 38",),
    ),
    P(
        "Les Jardins de Cocagne de l’Isère ont perdu un financement.",
        ("structure", "Jardins de Cocagne de l’Isère"),
        structures=("Jardins de Cocagne de l'Isère",),
    ),
    P(
        "ENVIE DAUPHINÉ a ouvert un nouvel atelier.",
        ("structure", "ENVIE DAUPHINÉ"),
        structures=("Envie Dauphiné",),
    ),
    P(
        "À la régie de quartier  villeneuve, les salariés sont du quartier.",
        ("structure", "régie de quartier  villeneuve"),
        structures=("Régie de quartier Villeneuve",),
    ),
]

MIXED: list[Case] = [
    P(
        "Mme Garcia, née le 12/03/1985, 12 rue des Lilas 38000 Grenoble, tél 06 12 34 56 78, "
        "mail s.garcia@free.fr, NIR 2 85 03 38 185 123 45.",
        ("name", "Garcia"),
        ("birth_date", "12/03/1985"),
        ("address", "12 rue des Lilas 38000 Grenoble"),
        ("phone", "06 12 34 56 78"),
        ("email", "s.garcia@free.fr"),
        ("nir", "2 85 03 38 185 123 45"),
    ),
    P(
        "Appel de Mme Garcia (06 45 78 12 33) pour son fils.",
        ("name", "Garcia"),
        ("phone", "06 45 78 12 33"),
    ),
    P(
        "Suivi de M. K., 34 ans, orienté en 2024 vers l'atelier chantier d'insertion du 38. "
        "Joignable au 07.81.22.45.90 ou par mail k.bensaid+aci@free.fr.",
        ("phone", "07.81.22.45.90"),
        ("email", "k.bensaid+aci@free.fr"),
    ),
    P(
        "Pour l'aide au permis, virement sur FR76 3000 6000 0112 3456 7890 189 ; "
        "justificatif envoyé par yasmina.b@orange.fr.",
        ("iban", "FR76 3000 6000 0112 3456 7890 189"),
        ("email", "yasmina.b@orange.fr"),
    ),
    P(
        "Nadia Haddad (née le 3 mars 1990) habite 6 rue Pasteur, 38130 Échirolles.",
        ("name", "Nadia Haddad"),
        ("birth_date", "3 mars 1990"),
        ("address", "6 rue Pasteur, 38130 Échirolles"),
    ),
    P(
        "Salariée en ACI à Saint-Denis (974), portable +262 692 12 34 56, fixe 0262 41 22 33, "
        "SIRET de la structure 732 829 320 00074.",
        ("phone", "+262 692 12 34 56"),
        ("phone", "0262 41 22 33"),
    ),
    P(
        "Le CV de Karim Benali est parti chez l'employeur ; le joindre au 0\u200b6 12 34 56 78.",
        ("name", "Karim Benali"),
        ("phone", "0\u200b6 12 34 56 78"),
    ),
    P(
        "Contact famille : M. Traoré, 0033 6 45 78 12 33, a.traore(at)gmail.com",
        ("name", "Traoré"),
        ("phone", "0033 6 45 78 12 33"),
        ("email", "a.traore(at)gmail.com"),
    ),
    P(
        "Dossier de Mme Petit : NIR 2010533063025 35, DDN 05/01/2001.",
        ("name", "Petit"),
        ("nir", "2010533063025 35"),
        ("birth_date", "05/01/2001"),
    ),
    P(
        "Notre AI du Grésivaudan a placé Samir chez un artisan de Crolles.",
        ("structure", "AI du Grésivaudan"),
        ("name", "Samir"),
        structures=("AI du Grésivaudan",),
    ),
]

ORDINARY: list[Case] = [
    N("Le comité du 12 juin a validé 12 000 euros pour 2025."),
    N("Une aide de 1 500 € a été versée le 05/03/2025."),
    N("Taux de sorties dynamiques : 12,5 % en 2024 contre 9,8 % en 2023."),
    N("On est dans le 38, les transports sont un vrai frein."),
    N("Nous intervenons en Isère (38) et en Savoie (73)."),
    N("PASS IAE validé par France Travail le 14/01/2025."),
    N("Conformément à l'article L5132-1 du code du travail, l'agrément est délivré pour 24 mois."),
    N("SIRET de la structure : 732 829 320 00074."),
    N("Permanence de 9h30 à 12h tous les mardis."),
    N("Le poste est à 0,5 ETP sur le chantier espaces verts."),
    N("La SIAE compte 45 salariés en insertion et 6 permanents."),
    N("La CIP a organisé trois PMSMP ce trimestre."),
    N("Orientation par Pôle emploi puis suivi par la Mission locale."),
    N("Le conseil départemental finance 20 postes au titre du RSA."),
    N("La CAF a suspendu les droits en attendant les justificatifs."),
    N("Dossier CPAM en cours pour la complémentaire santé solidaire."),
    N("Réunion avec la DREETS et la DDETS sur le dialogue de gestion."),
    N("L'UNAI relaie la consultation auprès des AI du réseau."),
    N("Partenariat avec Cap emploi pour les travailleurs handicapés."),
    N("Les ACI, les EI, les ETTI et les GEIQ ne sont pas financés pareil."),
    N("Depuis le 01/09/2024, nous avons deux encadrants de plus."),
    N("La réunion du 12/03/2025 est reportée."),
    N("Rendez-vous le 5 mars à Grenoble."),
    N("Mars a été un mois difficile pour les sorties."),
    N("Nous avons ouvert une antenne à Bordeaux en janvier."),
    N("Les salariés viennent de Grenoble, Échirolles et Saint-Martin-d'Hères."),
    N("Le budget 2025 s'élève à 1\u202f234\u202f567 €."),
    N("Convention signée pour la période 2024-2027."),
    N("Décret n° 2021-1128 du 30 août 2021 relatif à l'insertion."),
    N("On a 3 jours de formation sur 5."),
    N("Code ROME K2204, NAF 8899B."),
    N("Facture n° 2025-000123 réglée."),
    N("Le chantier démarre à 7h45 et finit à 15h15."),
    N("À Grenoble (38000), les loyers ont beaucoup augmenté."),
    N("Nos locaux sont à Voiron (38500) depuis 2019."),
    N("Une place en ACI s'est libérée la semaine dernière."),
    N("Au cours de l'accompagnement, la salariée a repris confiance."),
    N("Il prépare le code de la route avec l'auto-école sociale."),
    N("Il est à la rue depuis deux mois, le 115 ne répond pas."),
    N("La mise en place du nouveau logiciel prend du temps."),
    N("Elle suit des cours de français langue étrangère."),
    N("Entrée le 3 mars 2025 pour un CDDI de 4 mois."),
    N("Contrat renouvelé le 12/03/2025 jusqu'au 11/09/2025."),
    N("Le salarié a 26 ans et 2 enfants."),
    N("Montant de l'aide au poste : 11 102 € par ETP en 2025."),
    N("Juin et juillet sont les mois les plus chargés."),
    N("Le 115 et le SIAO sont saturés."),
    N("Les salariés en PEC et en CDDI n'ont pas les mêmes droits."),
    N("La Région Auvergne-Rhône-Alpes cofinance via le FSE+."),
    N("Entre 2022 et 2024, le nombre de sorties a doublé."),
    N("Appel à projets de la DDETS de la Gironde : dépôt avant le 15 avril."),
    N("Le département de l'Isère a voté le plan pluriannuel."),
    N("Sur 38 salariés, 12 ont trouvé un emploi durable."),
    N("Le taux d'encadrement est de 1 pour 8."),
    N("Les horaires : 8h-12h / 13h30-16h30."),
    N("SIREN 732 829 320, code APE 8810C."),
    N("L'agence France Travail de Grenoble Nord nous oriente peu de candidats."),
    N("Le GEIQ BTP de l'Isère cherche des profils."),
    N("Effectif au 31/12/2024 : 62 salariés, dont 40 % de femmes."),
    N("Nous sommes adhérents de la fédération des entreprises d'insertion."),
    N("Le Secours populaire et les Restos du cœur orientent aussi vers nous."),
    N("Formation CACES R489 prévue en mai."),
    N("Prochain comité technique d'animation le mardi 14 octobre à 14h."),
    N("La prime de Noël a été versée en décembre."),
    N("Le chantier de Saint-Étienne emploie 18 personnes."),
    N("Pour les QPV, le critère est différent."),
    N("Le référent RSA du département a été remplacé."),
    N("Le dispositif Emplois francs ne concerne pas nos salariés."),
    N("Notre ETTI a réalisé 54 000 heures de mission en 2024."),
    N("Ligne de bus 6020 supprimée, les salariés de Crolles n'ont plus de solution."),
    N("Rendez-vous au 1er étage, salle 12."),
    N("Emmaüs Connect a fourni 15 smartphones reconditionnés."),
    N("Il manque 2 000 € pour boucler le budget."),
    N("Plus de 75 % des salariés sont bénéficiaires du RSA."),
    N("Le jury du titre professionnel aura lieu le 20 juin 2025."),
    N("Inscription à la formation prévue du 02/06 au 27/06."),
    N("Temps de trajet : 1h15 depuis Bourgoin-Jallieu."),
    N("Le GIP Plateforme de mobilité nous aide pour les permis."),
    N("Nous avons rencontré la mairie de Fontaine sur les clauses sociales."),
    N("M. le maire de Voiron soutient le projet."),
    N("Mme la sous-préfète a visité le chantier."),
    N("Madame la directrice de l'agence a validé le renouvellement."),
    N("Le lycée Jean Moulin accueille nos stagiaires en juin."),
    N("Ce matin, la rue Victor Hugo était bloquée par des travaux."),
    N("Le marché de la place Notre-Dame recrute des manutentionnaires."),
    N("Cours de remise à niveau le lundi."),
    N("Rencontre avec le service RH de Schneider Electric."),
    N("Décision CDAPH reçue, RQTH valable 5 ans."),
    N("Les 2 salariés de Vienne ont fini leur parcours."),
    N("Date de fin de contrat : 31/08/2025."),
    N("Date d'entrée 12/03/2024, date de sortie prévue 11/03/2026."),
    N("Taux horaire 11,88 € brut."),
    N("Le chantier de la Bastille ferme pour l'hiver."),
    N("Accueil de 14 jeunes de l'EPIDE."),
    N("Total : 1 500 heures d'accompagnement, 38 % en collectif."),
    N("L'AI accompagne 30 salariés cette année.", structures=("AI",)),
    N("Un ACI de 20 postes a ouvert à Vizille.", structures=("ACI",)),
    N("Le PASS IAE de la salariée expire le 30/09/2025."),
    N("Les salariés sont mobilisés sur le chantier du 14 au 18 avril."),
    N("Plus de 1 200 personnes accompagnées en 2024 dans le Grésivaudan."),
]

CASES: list[Case] = [
    *PHONES,
    *EMAILS,
    *NIRS,
    *IBANS,
    *NAMES,
    *ADDRESSES,
    *BIRTH_DATES,
    *STRUCTURES,
    *MIXED,
    *ORDINARY,
]


# Held out: written after the rules above had been tuned on CASES, and not used to tune them
# (run once, figures reported as they came). Reported separately by the benchmark.
HELDOUT: list[Case] = [
    P("tel portable 06 98 76 54 32 (fils)", ("phone", "06 98 76 54 32")),
    P("n° : 07-68-45-23-11", ("phone", "07-68-45-23-11")),
    P("rappeler au 04.76.88.12.34 poste 12", ("phone", "04.76.88.12.34")),
    P("Numéro WhatsApp : +33 7 68 45 23 11", ("phone", "+33 7 68 45 23 11")),
    P("son tél 0698765432, sinon passer par sa sœur", ("phone", "0698765432")),
    P("portable +594 694 45 67 89 (Cayenne)", ("phone", "+594 694 45 67 89")),
    P("joignable au 0693 45 67 89", ("phone", "0693 45 67 89")),
    P("fixe 01 42 68 53 00", ("phone", "01 42 68 53 00")),
    P(
        "le 06 12 34 56 78 ne marche plus, nouveau : 07 52 41 63 85",
        ("phone", "06 12 34 56 78"),
        ("phone", "07 52 41 63 85"),
    ),
    P("tel : 06\u200d12\u200d34\u200d56\u200d78", ("phone", "06\u200d12\u200d34\u200d56\u200d78")),
    P("portable ０７ ８１ ２２ ４５ ９０", ("phone", "０７ ８１ ２２ ４５ ９０")),
    P("Tél. : 06\u200912 34 56 78", ("phone", "06\u200912 34 56 78")),
    P("Son employeur en Suisse : +41 79 123 45 67", ("phone", "+41 79 123 45 67")),
    P("Sa fille à Londres : +44 7911 123456", ("phone", "+44 7911 123456")),
    P("06 12 34 56 78 (répondeur)", ("phone", "06 12 34 56 78")),
    P("tél 0033612345678", ("phone", "0033612345678")),
    P("+33(0)612345678 est le bon numéro", ("phone", "+33(0)612345678")),
    P("mob. 06 12 34 56 78", ("phone", "06 12 34 56 78")),
    P("CV reçu de mamadou.traore75@gmail.com", ("email", "mamadou.traore75@gmail.com")),
    P("envoyé à l.martin@asso-tremplin.fr hier", ("email", "l.martin@asso-tremplin.fr")),
    P("Mail: Fatima.Zahra@Outlook.FR", ("email", "Fatima.Zahra@Outlook.FR")),
    P("contact : nadia.h [arobase] free.fr", ("email", "nadia.h [arobase] free.fr")),
    P("mail : kevin.morel(a)gmail.com", ("email", "kevin.morel(a)gmail.com")),
    P(
        "adresse mail : jean-pierre.roux@laposte.net.",
        ("email", "jean-pierre.roux@laposte.net"),
    ),
    P(
        "karim point benali arobase gmail point com",
        ("email", "karim point benali arobase gmail point com"),
    ),
    P("sophie_l@yahoo.fr", ("email", "sophie_l@yahoo.fr")),
    P("NIR : 2 93 11 75 112 045 80", ("nir", "2 93 11 75 112 045 80")),
    P("Sécu 1 75 08 38 185 042 67", ("nir", "1 75 08 38 185 042 67")),
    P("numéro sécu : 295117511204579", ("nir", "295117511204579")),
    P("NIR 1.75.08.38.185.042", ("nir", "1.75.08.38.185.042")),
    P("N°SS:187126908812380", ("nir", "187126908812380")),
    P(
        "IBAN FR93 1027 8089 7400 0203 4520 174",
        ("iban", "FR93 1027 8089 7400 0203 4520 174"),
    ),
    P("iban : FR0442559100000800248432188", ("iban", "FR0442559100000800248432188")),
    P(
        "Compte : FR70 3000 4008 1900 0123 4567 890",
        ("iban", "FR70 3000 4008 1900 0123 4567 890"),
    ),
    P("IBAN LU28 0019 4006 4475 0000", ("iban", "LU28 0019 4006 4475 0000")),
    P("IBAN CH93 0076 2011 6238 5295 7", ("iban", "CH93 0076 2011 6238 5295 7")),
    P("IBAN GB29 NWBK 6016 1331 9268 19", ("iban", "GB29 NWBK 6016 1331 9268 19")),
    P("Vu M. Martinez ce matin", ("name", "Martinez")),
    P("Mme Fernandes-Lopes est en arrêt maladie.", ("name", "Fernandes-Lopes")),
    P("rdv avec Mr Kone jeudi", ("name", "Kone")),
    P("Jessica a trouvé un stage chez Carrefour.", ("name", "Jessica")),
    P("Abdoulaye Camara a fini sa période d'essai.", ("name", "Abdoulaye Camara")),
    P("La CIP, Mélanie Duret, suit le dossier.", ("name", "Mélanie Duret")),
    P("Kévin et Dylan sont souvent en retard.", ("name", "Kévin"), ("name", "Dylan")),
    P("Entretien avec Mme Brigitte Lemoine, 58 ans.", ("name", "Brigitte Lemoine")),
    P("MONSIEUR DIALLO a rendu ses justificatifs.", ("name", "DIALLO")),
    P("M. et Mme Lopez ont demandé un rendez-vous.", ("name", "Lopez")),
    P("Sa conseillère France Travail, Mme Caron, est partie.", ("name", "Caron")),
    P("Bravo à Yanis pour son CACES !", ("name", "Yanis")),
    P("J'ai appelé Christophe Lemaire pour le planning.", ("name", "Christophe Lemaire")),
    P("Fatima El Idrissi a obtenu sa naturalisation.", ("name", "Fatima El Idrissi")),
    P("Point avec Mlle Lucie Garnier.", ("name", "Lucie Garnier")),
    P("Selon M. Roussel, employeur, le salarié est fiable.", ("name", "Roussel")),
    P("Anthony Girard, 31 ans, sortie en CDI.", ("name", "Anthony Girard")),
    P(
        "nouvelle adresse 15 rue Jean Prévost 38000 Grenoble",
        ("address", "15 rue Jean Prévost 38000 Grenoble"),
    ),
    P("habite au 8, avenue Alsace-Lorraine", ("address", "8, avenue Alsace-Lorraine")),
    P(
        "domicilié 22 chemin du Vieux Chêne, 38330 Saint-Ismier",
        ("address", "22 chemin du Vieux Chêne, 38330 Saint-Ismier"),
    ),
    P("Il vit 4 impasse Berlioz.", ("address", "4 impasse Berlioz")),
    P(
        "son adresse : 31 bis rue des Martyrs 75009 Paris",
        ("address", "31 bis rue des Martyrs 75009 Paris"),
    ),
    P("elle habite rue de la Paix", ("address", "rue de la Paix")),
    P(
        "courrier au 5 allée des Érables 33700 Mérignac",
        ("address", "5 allée des Érables 33700 Mérignac"),
    ),
    P("domiciliation : 12 place Victor Hugo", ("address", "12 place Victor Hugo")),
    P("hébergée au 3 quai Jongkind", ("address", "3 quai Jongkind")),
    P("né le 15/08/1979 à Dakar", ("birth_date", "15/08/1979")),
    P("née le 2 février 1995", ("birth_date", "2 février 1995")),
    P("DDN : 01/01/1970", ("birth_date", "01/01/1970")),
    P("date de naissance: 3/11/82", ("birth_date", "3/11/82")),
    P("né en juin 1988", ("birth_date", "juin 1988")),
    P("né le 24.12.1990", ("birth_date", "24.12.1990")),
    P(
        "Au sein de solid'emploi, on a recruté.",
        ("structure", "solid'emploi"),
        structures=("Solid'Emploi",),
    ),
    P(
        "chez Tremplin-Emploi 38 depuis 2019",
        ("structure", "Tremplin-Emploi 38"),
        structures=("Tremplin Emploi 38",),
    ),
    N("Le taux de retour à l'emploi est de 45 % à 6 mois."),
    N("Réunion partenaires le 18/09 à 14h30 à la Maison de l'emploi."),
    N("Coût du permis : 1 800 € dont 900 € pris en charge."),
    N("Nous avons 3 ETP d'encadrants et 0,8 ETP de CIP."),
    N("Les contrats de 20h/semaine sont la norme dans notre ACI."),
    N("Article R5132-10-6 du code du travail."),
    N("Le salarié habite loin, à 35 km du chantier."),
    N("Il vit chez ses parents à Saint-Égrève."),
    N("Ouverture d'un nouveau chantier en forêt de Chartreuse."),
    N("Journée portes ouvertes le samedi 12 avril."),
    N("Les jeunes de la Mission locale de Grenoble sont peu orientés."),
    N("Monsieur le directeur de la DDETS a répondu."),
    N("Depuis mars 2023, les entrées ont baissé de 15 %."),
    N("En 2024 : 112 salariés, 68 sorties, dont 31 dynamiques."),
    N("Le département du Rhône (69) a baissé son financement."),
    N("L'agrément IAE est délivré par France Travail."),
    N("Le FDI a financé 2 postes d'encadrant en 2023."),
    N("Le CDDI dure 4 mois minimum, renouvelable jusqu'à 24 mois."),
    N("Nos locaux : zone industrielle, accès par la route de Lyon."),
    N("Elle est née en 1990 et a deux enfants."),
    N("La Croix-Rouge et le Secours catholique nous orientent des personnes."),
    N("Tous les lundis, atelier CV avec la CIP."),
    N("Il a obtenu le titre professionnel agent de propreté et d'hygiène."),
    N("Le montant de l'aide au poste passe à 11 537 €."),
    N("Mobilisation de la prestation PMSMP, 2 semaines."),
    N("Les horaires du chantier : 8h00 - 15h30."),
    N("Contact de la structure : accueil en mairie."),
    N("Nous travaillons avec Adecco et Randstad pour les missions."),
    N("Formation HACCP prévue du 3 au 7 mars."),
    N("Le Conseil départemental de la Gironde cofinance le poste."),
    N("Le bus 6070 ne passe plus à Saint-Nazaire-les-Eymes."),
    N("Appel à projets IAE 2025 : réponse avant le 30 avril."),
    N("Une salariée sur deux a plus de 50 ans."),
    N("N° de convention : 038-2024-00123."),
    N("Code postal de l'antenne : 38100."),
    N("Tél de l'accueil en cours de changement."),
    N("On a eu 12 sorties en CDI, 8 en CDD de plus de 6 mois."),
    N("Permanence France Services le jeudi."),
    N("Séance d'information collective le 10/10/2024 à 9h."),
    N("Le 38 et le 73 partagent le même référent."),
    N("La DREETS Auvergne-Rhône-Alpes a validé notre dossier."),
    N("Total du budget : 457 890,50 €."),
    N("Elle a déménagé à Lyon (69003)."),
    N("Madame la Préfète a signé l'arrêté."),
    # Scrubber version 3: the leaks found by the security review, and variants of them.
    # Unlike the cases above, these were written with the fixes in view (the positives are
    # the review's own strings), so they guard against regressions more than they measure;
    # the ordinary sentences at the end were written blind and run once.
    P("Tél 06 12\n34 56 78", ("phone", "06 12\n34 56 78")),
    P("portable 07 81\r\n22 45 90 (SMS)", ("phone", "07 81\r\n22 45 90")),
    P("tel : 06\u201012\u201034\u201056\u201078", ("phone", "06\u201012\u201034\u201056\u201078")),
    P(
        "son portable 06\u201112\u201134\u201156\u201178",
        ("phone", "06\u201112\u201134\u201156\u201178"),
    ),
    P(
        "joignable au 06\u201312\u201334\u201356\u201378",
        ("phone", "06\u201312\u201334\u201356\u201378"),
    ),
    P("n° 06\u201412\u201434\u201456\u201478", ("phone", "06\u201412\u201434\u201456\u201478")),
    P(
        "mob. +33 6\u201312\u201334\u201356\u201378",
        ("phone", "+33 6\u201312\u201334\u201356\u201378"),
    ),
    P("tél 06_12_34_56_78", ("phone", "06_12_34_56_78")),
    P("tel 06,12,34,56,78", ("phone", "06,12,34,56,78")),
    P(
        "06 12 34 56 78 / 07 12 34 56 78",
        ("phone", "06 12 34 56 78"),
        ("phone", "07 12 34 56 78"),
    ),
    P(
        "portables : 07 52 41 63 85/06 98 76 54 32",
        ("phone", "07 52 41 63 85"),
        ("phone", "06 98 76 54 32"),
    ),
    P("Pierre Martin est venu ce matin.", ("name", "Pierre Martin")),
    P("Sophie Durand de France Travail m'a appelé.", ("name", "Sophie Durand")),
    P("Paul Durand de la CAF a rappelé.", ("name", "Paul Durand")),
    P("Contact : Julien Moreau", ("name", "Julien Moreau")),
    P("Contact : Sébastien Roux (encadrant)", ("name", "Sébastien Roux")),
    P("Entretien Karima Haddad : motivée", ("name", "Karima Haddad")),
    P("Entretien Yasmina Benali : très motivée", ("name", "Yasmina Benali")),
    P("Salarié: Dupont Jean", ("name", "Dupont Jean")),
    P("Salariée : KONE Awa", ("name", "KONE Awa")),
    P("NADIA BOUZID absente", ("name", "NADIA BOUZID")),
    P("KARIM BENALI présent au chantier.", ("name", "KARIM BENALI")),
    P("Vu M.Dupont ce matin.", ("name", "Dupont")),
    P("Mme.Martin a rappelé.", ("name", "Martin")),
    P("Mr.Haddad refuse le poste.", ("name", "Haddad")),
    P("rdv avec mme Martin jeudi", ("name", "Martin")),
    P("Point avec mlle Nguyen.", ("name", "Nguyen")),
    P("Mme de la Fontaine est absente.", ("name", "de la Fontaine")),
    P("née le 12 03 1985", ("birth_date", "12 03 1985")),
    P("date de naissance 12031985", ("birth_date", "12031985")),
    P("né le 7 11 78 à Oran", ("birth_date", "7 11 78")),
    P("DDN 120385", ("birth_date", "120385")),
    P("née le 12\u201103\u20111985", ("birth_date", "12\u201103\u20111985")),
    P("karim.benali@gmail .com", ("email", "karim.benali@gmail .com")),
    P("mail : sophie.l@orange. fr", ("email", "sophie.l@orange. fr")),
    P("n.girard @gmail .com", ("email", "n.girard @gmail .com")),
    N("Horaires d'hiver : 8h30\u201112h \u2013 13h30\u201316h."),
    N("Public visé : 18\u201325 ans et plus de 50 ans."),
    N("Le 05/03/2025\n12 salariés étaient présents."),
    N("Codes 01,02,03,04,05 du référentiel métiers."),
    N("Effectif : 2023\n2024 en légère hausse."),
    N("Budget 2024\u20132025 voté en conseil d'administration."),
    N("La réunion du 12 03 2025 est reportée."),
    N("Rendez-vous avec l'équipe de Lyon Métropole Habitat."),
    N("Entretien collectif : six candidats retenus."),
    N("Contact pris avec la Banque Alimentaire de l'Isère."),
    N("Point mensuel avec le Conseil départemental."),
    N("Salarié en arrêt depuis le 3 février \u2014 reprise prévue en avril."),
    N("Numéro de convention 038\u20112025\u201100045."),
    N("Les Ateliers du Bocage recyclent les téléphones."),
    N("Formation Sauveteur Secouriste du Travail la semaine prochaine."),
    N("Candidature transmise à Action Logement."),
]
