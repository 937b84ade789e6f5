"""The script of the command-post exercise BOUCLIER DU LIPTAKO (LIPTAKO SHIELD), as data.

Every event is notional: the armed groups are invented, the places and the parties are real.
Reports are dated ``days_ago`` before the day the exercise is loaded, so the exercise always
covers the past year. What the script exercises:

- attacks on a party's forces that engage Art. 6 once a state's analyst classifies them and
  a second person of the secretariat confirms it (Boni, Djibo, Tillabéri);
- an attack on Nigerien forces deployed outside the Alliance area (Bol, Chad): Art. 7;
- Malian forces firing on a Burkinabè post across the border (Thiou): an Art. 8 compliance
  question, released to Mali and the secretariat only;
- a classification awaiting its second person (Arbinda), one answered "no" (Tahoua), and
  many attacks still awaiting one;
- requests for assistance at every stage of the workflow (see :data:`REQUESTS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NAME = "BOUCLIER DU LIPTAKO"
HEADER = f"EXERCICE EXERCICE EXERCICE · {NAME} (exercice d'état-major, faits fictifs)"
FOOTER = "EXERCICE EXERCICE EXERCICE"
PARTIES = ("BFA", "MLI", "NER")

JIHADISTS = "Front armé du Gourma (groupe fictif, EXERCICE)"
REBELS = "Coordination rebelle du Nord (groupe fictif, EXERCICE)"
CRIMINALS = "Réseau de trafiquants du Liptako (groupe fictif, EXERCICE)"


def exercise_text(body: str) -> str:
    """A report's or a request's text as an exercise message: marked at both ends."""
    return f"{HEADER}\n\n{body}\n\n{FOOTER}"


def _on_forces(party: str, group: str = JIHADISTS, kind: str = "jihadist",
               **target: Any) -> dict[str, Any]:
    return {"perpetrator": {"kind": "non_state_armed_group", "group_type": kind,
                            "actor": group},
            "target": {"kind": "state_forces", "party": party, **target}}


def _on_civilians(group: str = JIHADISTS) -> dict[str, Any]:
    kind = {"kind": "criminal_group"} if group == CRIMINALS else {
        "kind": "non_state_armed_group", "group_type": "jihadist"}
    return {"perpetrator": {**kind, "actor": group}, "target": {"kind": "civilians"}}


@dataclass(frozen=True)
class Inject:
    """One national report of the script."""

    key: str
    days_ago: int
    state: str  # the reporting state, whose analyst files it
    place: str
    lat: float
    lon: float
    event_type: str
    fatalities: int | None
    body: str
    facts: dict[str, Any] = field(default_factory=dict)
    tlp: str = "AMBER"
    audience: tuple[str, ...] | None = None  # None: the other parties

    def payload(self) -> dict[str, Any]:
        """The body of the report, as the API takes it (``occurred_on`` left to the loader)."""
        audience = self.audience if self.audience is not None else tuple(
            p for p in PARTIES if p != self.state)
        return {"location": {"lat": self.lat, "lon": self.lon}, "place_name": self.place,
                "description": exercise_text(self.body), "event_type": self.event_type,
                "fatalities": self.fatalities, "tlp": self.tlp, "audience": list(audience),
                "exercise": True, **self.facts}


INJECTS: tuple[Inject, ...] = (
    Inject("bol", 330, "NER", "Bol (Tchad)", 13.46, 14.71, "battle", 4,
           "Un détachement nigérien déployé hors de l'espace de l'Alliance, au sein de la force "
           "mixte du bassin du lac Tchad, a été attaqué à l'aube près de Bol. Bilan : 4 militaires "
           "tués, 7 blessés, un véhicule blindé détruit. Évacuation sanitaire aérienne demandée.",
           _on_forces("NER", outside_alliance_area=True)),
    Inject("sevare-ied", 300, "MLI", "Sévaré", 14.52, -4.10, "explosion_remote_violence", 2,
           "Un engin explosif improvisé a frappé un convoi logistique des FAMa à 12 km au nord "
           "de Sévaré. 2 militaires tués, 3 blessés.", _on_forces("MLI")),
    Inject("fada-market", 280, "BFA", "Fada N'Gourma", 12.06, 0.36,
           "violence_against_civilians", 9,
           "Des hommes armés ont ouvert le feu sur le marché hebdomadaire. 9 civils tués, de "
           "nombreux blessés évacués vers le centre hospitalier régional.", _on_civilians()),
    Inject("tera-abduction", 260, "NER", "Téra", 14.01, 0.75, "violence_against_civilians", 0,
           "Enlèvement de 5 agents d'une ONG sur l'axe Téra–Dargol ; aucune revendication.",
           _on_civilians()),
    Inject("niono-seizure", 240, "MLI", "Niono", 14.25, -5.99, "strategic_development", None,
           "Saisie d'un stock d'armes et de munitions lors d'une opération de sécurisation ; "
           "trois suspects interpellés."),
    Inject("diapaga-post", 220, "BFA", "Diapaga", 12.07, 1.79, "battle", 3,
           "Attaque d'un poste de volontaires pour la défense de la patrie (VDP) appuyé par une "
           "section de l'armée. 3 tués, le poste a tenu.", _on_forces("BFA")),
    Inject("tahoua-cattle", 200, "NER", "Tahoua", 14.89, 5.27, "violence_against_civilians", 1,
           "Vol de 300 têtes de bétail par un réseau de trafiquants ; un berger tué.",
           _on_civilians(CRIMINALS)),
    Inject("boni-camp", 180, "MLI", "Boni", 15.05, -1.93, "battle", 11,
           "Attaque complexe contre le camp des FAMa de Boni : tirs indirects puis assaut de "
           "deux colonnes motorisées. 11 militaires tués, 14 blessés, le camp est tenu. "
           "L'ennemi contrôle l'axe Boni–Hombori.", _on_forces("MLI")),
    Inject("boni-convoy", 178, "MLI", "Hombori", 15.28, -1.70, "battle", 6,
           "Embuscade contre le convoi de ravitaillement du camp de Boni, à 20 km d'Hombori. "
           "6 militaires tués, 4 camions détruits.", _on_forces("MLI")),
    Inject("gorom-bus", 160, "BFA", "Gorom-Gorom", 14.44, -0.24, "explosion_remote_violence",
           5, "Un autocar de transport en commun a sauté sur un engin explosif. 5 civils tués.",
           _on_civilians()),
    Inject("thiou-border", 140, "BFA", "Thiou", 13.80, -2.67, "battle", 1,
           "Une unité des FAMa en poursuite d'un groupe armé a franchi la frontière et ouvert le "
           "feu sur le poste de gendarmerie de Thiou, prenant ses occupants pour l'ennemi. Un "
           "gendarme tué. Le Burkina Faso demande des explications.",
           {"perpetrator": {"kind": "state", "state": "MLI", "actor": "FAMa (EXERCICE)"},
            "target": {"kind": "state_forces", "party": "BFA"}},
           tlp="AMBER+STRICT", audience=("MLI", "SEC")),
    Inject("ayorou-march", 130, "NER", "Ayorou", 14.73, 0.92, "protest", None,
           "Marche pacifique des habitants pour demander le renforcement de la sécurité sur le "
           "fleuve."),
    Inject("ansongo-strike", 120, "MLI", "Ansongo", 15.66, 0.50, "explosion_remote_violence",
           None, "Frappe aérienne des FAMa sur un regroupement du groupe armé au sud-est "
           "d'Ansongo ; bilan en cours d'évaluation.",
           {"perpetrator": {"kind": "state", "state": "MLI", "actor": "FAMa (EXERCICE)"}}),
    Inject("banibangou-patrol", 110, "NER", "Banibangou", 15.04, 2.70, "battle", 5,
           "Accrochage entre une patrouille des FDS et une colonne du groupe armé. 5 militaires "
           "tués.", _on_forces("NER")),
    Inject("kaya-village", 100, "BFA", "Kaya", 13.09, -1.08, "violence_against_civilians", 14,
           "Attaque d'un village au nord de Kaya ; 14 civils tués, des greniers incendiés.",
           _on_civilians()),
    Inject("timbuktu-shelling", 90, "MLI", "Tombouctou", 16.77, -3.01,
           "explosion_remote_violence", 0,
           "Tirs d'obus sur l'aéroport de Tombouctou ; piste endommagée, pas de victime.",
           {"perpetrator": {"kind": "non_state_armed_group", "group_type": "jihadist",
                            "actor": JIHADISTS},
            "target": {"kind": "infrastructure", "party": "MLI"}}),
    Inject("makalondi-ied", 75, "NER", "Makalondi", 12.83, 1.68, "explosion_remote_violence", 3,
           "Un véhicule de la garde nationale a sauté sur un engin explosif. 3 gardes tués.",
           _on_forces("NER")),
    Inject("djibo-detachment", 60, "BFA", "Djibo", 14.10, -1.63, "battle", 16,
           "Attaque massive contre le détachement militaire de Djibo par plusieurs centaines "
           "d'assaillants. 16 militaires tués, 20 blessés ; la ville est sous blocus.",
           _on_forces("BFA")),
    Inject("lere-abduction", 55, "MLI", "Léré", 15.71, -4.91, "violence_against_civilians", 0,
           "Enlèvement de 3 commerçants sur la route de Léré.", _on_civilians()),
    Inject("diffa-farmers", 45, "NER", "Diffa", 13.32, 12.61, "violence_against_civilians", 4,
           "Attaque contre des agriculteurs près de la Komadougou ; 4 civils tués.",
           _on_civilians()),
    Inject("sebba-riot", 40, "BFA", "Sebba", 13.43, 0.53, "riot", 0,
           "Des jeunes ont saccagé un bâtiment public après l'enlèvement de commerçants."),
    Inject("gao-patrol", 30, "MLI", "Gao", 16.27, -0.04, "explosion_remote_violence", 1,
           "Engin explosif au passage d'une patrouille à la sortie est de Gao ; 1 militaire tué.",
           _on_forces("MLI")),
    Inject("tillaberi-post", 21, "NER", "Tillabéri", 14.21, 1.45, "battle", 10,
           "Attaque du poste avancé des FDS au nord de Tillabéri par une colonne motorisée. "
           "10 militaires tués, matériel emporté ; l'ennemi se replie vers la frontière.",
           _on_forces("NER")),
    Inject("tessit-clash", 18, "MLI", "Tessit", 15.20, 0.88, "battle", 7,
           "Combats entre les FAMa et le groupe armé autour de Tessit ; 7 militaires tués.",
           _on_forces("MLI")),
    Inject("arbinda-gendarmerie", 12, "BFA", "Arbinda", 14.23, -0.87, "battle", 8,
           "Attaque de la brigade de gendarmerie d'Arbinda ; 8 gendarmes tués, la brigade "
           "est détruite.", _on_forces("BFA")),
    Inject("ouallam-farmers", 9, "NER", "Ouallam", 14.32, 2.09, "violence_against_civilians", 6,
           "Des agriculteurs ont été tués dans leurs champs au nord d'Ouallam ; 6 morts.",
           _on_civilians()),
    Inject("kidal-rebels", 6, "MLI", "Kidal", 18.44, 1.41, "battle", 5,
           "Un mouvement rebelle séparatiste a attaqué les positions des FAMa aux abords de "
           "Kidal. 5 militaires tués.", _on_forces("MLI", REBELS, "separatist_rebel")),
    Inject("titao-ied", 4, "BFA", "Titao", 13.77, -2.07, "explosion_remote_violence", 2,
           "Une charrette a sauté sur un engin explosif à l'entrée de Titao ; 2 civils tués.",
           _on_civilians()),
    Inject("torodi-arrests", 3, "NER", "Torodi", 13.12, 1.80, "strategic_development", None,
           "Démantèlement d'un réseau de ravitaillement en carburant du groupe armé ; 6 "
           "interpellations."),
    Inject("menaka-civilians", 2, "MLI", "Ménaka", 15.92, 2.40, "violence_against_civilians",
           7, "Exécution de 7 civils dans un hameau à l'ouest de Ménaka.", _on_civilians()),
    Inject("ayorou-clash", 1, "NER", "Ayorou", 14.76, 0.95, "battle", 2,
           "Échanges de tirs entre une patrouille fluviale et des assaillants ; 2 militaires "
           "tués.", _on_forces("NER")),
)


@dataclass(frozen=True)
class Classification:
    """A person's answer to "was it an attack on sovereignty?", and whether the secretariat's
    second person confirms it (None: it waits, or it needed no confirmation)."""

    inject: str
    by: str  # "analyst" (of the reporting state) or "secretariat"
    value: bool
    evidence: str
    rationale: str
    confirm: bool | None = True


CLASSIFICATIONS: tuple[Classification, ...] = (
    Classification("bol", "secretariat", True,
                   "Rapport du détachement, message de la force mixte (EXERCICE).",
                   "Attaque armée organisée contre des forces de défense d'une partie déployées "
                   "hors de l'espace de l'Alliance (art. 7)."),
    Classification("tahoua-cattle", "analyst", False,
                   "Enquête de la gendarmerie de Tahoua (EXERCICE).",
                   "Vol de bétail crapuleux : pas une atteinte à la souveraineté.", None),
    Classification("boni-camp", "analyst", True,
                   "Compte rendu du commandant du camp, images aériennes (EXERCICE).",
                   "Assaut coordonné contre une emprise militaire, contrôle d'un axe : atteinte "
                   "à l'intégrité territoriale."),
    Classification("boni-convoy", "analyst", True,
                   "Compte rendu du chef de convoi (EXERCICE).",
                   "Suite de l'attaque de Boni : isolement du camp par le même groupe."),
    Classification("djibo-detachment", "analyst", True,
                   "Rapport du détachement, témoignages (EXERCICE).",
                   "Attaque de plusieurs centaines d'assaillants et blocus de la ville."),
    Classification("tillaberi-post", "analyst", True,
                   "Rapport du poste, interceptions (EXERCICE).",
                   "Attaque d'une emprise des FDS par une colonne venue de l'extérieur."),
    Classification("arbinda-gendarmerie", "analyst", True,
                   "Rapport de la compagnie de gendarmerie (EXERCICE).",
                   "Destruction d'une brigade : l'État n'est plus présent dans la commune.",
                   None),
)

Item = dict[str, Any]


@dataclass(frozen=True)
class Pledged:
    """A party's offer against a line item (its position), available some days from now."""

    state: str
    item: int
    quantity: float
    description: str
    available_in_days: int = 0


@dataclass(frozen=True)
class Declined:
    state: str
    reason: str


@dataclass(frozen=True)
class RequestScript:
    """A request for assistance and how far the script plays its workflow: answered once
    open for pledges; its pledges accepted and its vote convened from ``voting`` on; decided
    and delivered (by the states in ``delivered``) from ``in_delivery`` on."""

    key: str
    state: str
    article: str
    injects: tuple[str, ...]
    title: str
    situation: str
    items: tuple[Item, ...]
    stage: str  # draft, open_for_pledges, voting, in_delivery, closed
    answers: tuple[Pledged | Declined, ...] = ()
    votes: tuple[tuple[str, str], ...] = ()
    delivered: tuple[str, ...] = ()


def _item(kind: str, description: str, quantity: float, unit: str, place: str,
          priority: int = 2) -> Item:
    return {"kind": kind, "description": description, "quantity": quantity, "unit": unit,
            "place": place, "priority": priority}


REQUESTS: tuple[RequestScript, ...] = (
    RequestScript(
        "bol", "NER", "7", ("bol",),
        "EXERCICE — Évacuation et reconnaissance pour le détachement attaqué à Bol",
        "Le détachement nigérien attaqué près de Bol (Tchad) compte 7 blessés graves ; le "
        "Niger invoque l'article 7 et demande une évacuation sanitaire aérienne et une "
        "reconnaissance de l'axe Bol–Baga Sola.",
        (_item("medical_evacuation", "Évacuation aérienne de 7 blessés vers Niamey", 2,
               "sorties", "Bol (Tchad)", 1),
         _item("isr_intelligence", "Reconnaissance aérienne de l'axe Bol–Baga Sola", 6,
               "sorties", "Bol (Tchad)")),
        "closed",
        answers=(Pledged("BFA", 1, 2, "Avion de transport médicalisé (EXERCICE)"),
                 Pledged("MLI", 2, 6, "Drone de surveillance et son équipage (EXERCICE)")),
        votes=(("BFA", "yes"), ("MLI", "yes"), ("NER", "yes")), delivered=("BFA", "MLI")),
    RequestScript(
        "boni", "MLI", "6", ("boni-camp", "boni-convoy"),
        "EXERCICE — Renfort et appui aérien après les attaques de Boni",
        "Le camp de Boni est isolé depuis l'embuscade contre son convoi de ravitaillement. Le "
        "Mali invoque l'article 6 et demande un renfort d'infanterie pour rouvrir l'axe "
        "Boni–Hombori, un appui aérien et des évacuations sanitaires.",
        (_item("troops", "Compagnie d'infanterie pour rouvrir l'axe Boni–Hombori", 150,
               "militaires", "Boni", 1),
         _item("air_support", "Appui aérien rapproché", 8, "sorties", "Boni"),
         _item("medical_evacuation", "Évacuations sanitaires vers Mopti", 3, "sorties",
               "Boni", 3)),
        "in_delivery",
        answers=(Pledged("BFA", 1, 150, "Compagnie d'infanterie motorisée (EXERCICE)", 5),
                 Pledged("NER", 2, 4, "Patrouille de deux avions d'appui (EXERCICE)")),
        votes=(("BFA", "yes"), ("MLI", "yes"), ("NER", "yes")), delivered=("NER",)),
    RequestScript(
        "djibo", "BFA", "6", ("djibo-detachment",),
        "EXERCICE — Appui au détachement de Djibo sous blocus",
        "Djibo est sous blocus depuis l'attaque de son détachement. Le Burkina Faso invoque "
        "l'article 6 et demande du renseignement aérien et un ravitaillement.",
        (_item("isr_intelligence", "Surveillance aérienne des axes vers Djibo", 10,
               "sorties", "Djibo", 1),
         _item("logistics", "Munitions, vivres et carburant", 20, "tonnes", "Djibo")),
        "voting",
        answers=(Pledged("MLI", 1, 5, "Sorties de reconnaissance (EXERCICE)", 2),
                 Declined("NER", "Forces engagées dans la région de Tillabéri : aucune "
                                 "capacité disponible dans les délais (EXERCICE).")),
        votes=(("BFA", "yes"), ("MLI", "yes"))),
    RequestScript(
        "tillaberi", "NER", "6", ("tillaberi-post",),
        "EXERCICE — Appui aérien après l'attaque du poste de Tillabéri",
        "La colonne qui a attaqué le poste avancé au nord de Tillabéri se replie vers la "
        "frontière. Le Niger invoque l'article 6 et demande un appui aérien et des "
        "évacuations sanitaires.",
        (_item("air_support", "Appui aérien contre la colonne en repli", 6, "sorties",
               "Tillabéri", 1),
         _item("medical_evacuation", "Évacuation des blessés vers Niamey", 2, "sorties",
               "Tillabéri")),
        "open_for_pledges",
        answers=(Pledged("MLI", 1, 2, "Deux sorties d'appui aérien (EXERCICE)", 1),)),
    RequestScript(
        "kidal", "MLI", "5", ("kidal-rebels",),
        "EXERCICE — Bons offices et soutien après l'attaque de Kidal",
        "Le Mali invoque l'article 5 : les voies pacifiques et diplomatiques d'abord. Projet "
        "de demande d'une mission de bons offices et d'un soutien logistique.",
        (_item("other", "Mission de bons offices auprès des notables de Kidal", 1,
               "mission", "Kidal"),
         _item("logistics", "Vivres pour les familles déplacées", 10, "tonnes", "Kidal", 3)),
        "draft"),
)
