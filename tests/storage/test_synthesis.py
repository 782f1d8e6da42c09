"""The synthesis read from the database: tallies, grouped answers, workshop notes, the small-group
rule, and its JSON shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.domain.questionnaire import default_questionnaire
from bot.i18n import use_locale
from bot.services.digest import collect_digest
from bot.services.synthesis import collect_synthesis
from bot.services.workshop_notes import WorkshopNoteService
from bot.views.synthesis import synthesis_json, synthesis_text
from storage.models import Contribution
from storage.reports import Scope
from tests.seed import Person, add_contribution, add_people, entry_answers

END = datetime(2025, 3, 5, 7, 0, tzinfo=UTC)
MOBILITY = [
    "Financer le permis de conduire des salariés en parcours",
    "Aider au financement du permis B pour les salariés",
    "Des bus le matin tôt pour aller sur les chantiers",
    "Prêter des scooters pour se déplacer vers les missions",
    "Financer le permis de conduire des salariés en parcours",
    "Un garage solidaire pour réparer les voitures",
]
CHILDCARE = [
    "Des places en crèche réservées aux salariés en insertion",
    "Une garde d'enfants le matin pour les mères isolées",
    "Places en crèche pour les parents en parcours IAE",
]


async def seed_entry(session, texts: list[str], first_id: int = 100, region: str = "84") -> None:
    people = [Person(first_id + i, region=region) for i in range(len(texts))]
    await add_people(session, people)
    for person, text in zip(people, texts, strict=True):
        await add_contribution(
            session, person.id, "entry", END - timedelta(days=1), entry_answers(text)
        )
    await session.flush()


async def import_notes(session, rows: str, clock=lambda: END - timedelta(hours=1)) -> None:
    result = await WorkshopNoteService(session, clock=clock).import_csv(
        "id,theme,region,text\n" + rows, "atelier.csv"
    )
    assert not isinstance(result, list), result


async def test_synthesis_tallies_and_groups_the_answers_of_a_theme_enough_people_answered(
    session,
) -> None:
    await seed_entry(session, MOBILITY + CHILDCARE)
    synthesis = await collect_synthesis(session, default_questionnaire(), Scope(end=END), 5)

    assert synthesis.people_shown
    [entry] = synthesis.themes
    assert entry.theme.key == "entry" and entry.contributors == 9
    barriers = next(t for t in entry.tallies if t.question == "entry_top_barriers")
    assert {o.key: o.people for o in barriers.options}["mobility"] == 9
    proposals = entry.groups[0]
    assert proposals.question.key == "entry_proposal"  # the proposal question comes first
    assert proposals.texts == 9
    members = [m for g in proposals.grouping.groups for m in g.members]
    members += proposals.grouping.ungrouped
    assert len(members) == len(set(members)) == 9  # each answer in one place, none lost
    # The same sentence, written twice, is one quote repeated by two people.
    quotes = [q for g in proposals.grouping.groups for q in g.quotes]
    assert any(q.text == MOBILITY[0] and q.repeated_by == 2 for q in quotes), [
        (q.text, q.repeated_by) for q in quotes
    ]


async def test_synthesis_is_deterministic(session) -> None:
    await seed_entry(session, MOBILITY + CHILDCARE)
    questionnaire = default_questionnaire()
    first = await collect_synthesis(session, questionnaire, Scope(end=END), 5)
    second = await collect_synthesis(session, questionnaire, Scope(end=END), 5)
    with use_locale("fr"):
        assert synthesis_json(first, "fr") == synthesis_json(second, "fr")


async def test_a_region_with_too_few_people_shows_only_its_workshop_notes_in_full(session) -> None:
    await seed_entry(session, MOBILITY + CHILDCARE)  # Auvergne-Rhône-Alpes
    await seed_entry(session, MOBILITY[:3], first_id=300, region="75")  # 3 people in Nouvelle-A.
    await import_notes(
        session,
        "B-1,entry,75,Les bus ne passent pas avant 7 h. Appeler le 06 12 34 56 78\n"
        "B-2,entry,Nouvelle-Aquitaine,Financer le permis pour les salariés\n"
        "B-3,territory,75,Le BTP recrute des manœuvres\n",
    )
    synthesis = await collect_synthesis(
        session, default_questionnaire(), Scope(end=END, regions=("75",)), 5
    )

    assert not synthesis.people_shown
    entry, territory = synthesis.themes
    assert entry.contributors is None and entry.tallies == []
    references = {m for g in entry.groups for m in g.grouping.ungrouped} | {
        m for g in entry.groups for gr in g.grouping.groups for m in gr.members
    }
    assert references == {"W-B-1", "W-B-2"}  # the 3 people's answers are not there
    assert all("06 12" not in note.text for note in entry.notes)  # scrubbed at import
    assert [note.reference for note in territory.notes] == ["W-B-3"]
    with use_locale("fr"):
        shape = synthesis_json(synthesis, "fr")
        text = synthesis_text(synthesis, "fr")
    assert [t["theme"] for t in shape["themes"]] == ["entry", "territory"]
    assert shape["themes"][0]["contributors"] is None
    assert "moins de 5" in text.lower()


async def test_synthesis_json_has_the_documented_shape(session) -> None:
    await seed_entry(session, MOBILITY + CHILDCARE)
    await import_notes(session, "G-1,1,84,Financer le permis de conduire des salariés\n")
    synthesis = await collect_synthesis(session, default_questionnaire(), Scope(end=END), 5)
    with use_locale("fr"):
        shape = synthesis_json(synthesis, "fr")

    [theme] = shape["themes"]
    assert set(theme) >= {"theme", "contributors", "closed", "groups"}
    assert theme["theme"] == "entry" and theme["contributors"] == 9
    assert theme["workshop_notes"] == 1
    closed = {c["question"]: c for c in theme["closed"]}
    mobility = next(o for o in closed["entry_top_barriers"]["options"] if o["key"] == "mobility")
    assert mobility == {
        "key": "mobility",
        "label": "Mobilité",
        "count": 9,
        "share": 1.0,
        "at_least": None,
    }
    health = next(o for o in closed["entry_top_barriers"]["options"] if o["key"] == "health")
    assert health["count"] is None and health["share"] is None  # nobody: "fewer than 5"
    group = theme["groups"][0]
    assert set(group) >= {"terms", "size", "members", "quotes"}
    assert group["size"] == len(group["members"]) and group["terms"]
    every_member = {m for g in theme["groups"] for m in g["members"]}
    ungrouped = {m for g in synthesis.themes[0].groups for m in g.grouping.ungrouped}
    assert "W-G-1" in every_member | ungrouped  # the workshop note joined the proposals
    assert all(m.startswith(("C-", "W-")) for m in every_member)


async def test_synthesis_since_a_date_and_for_one_theme(session) -> None:
    await seed_entry(session, MOBILITY + CHILDCARE)
    questionnaire = default_questionnaire()
    later = await collect_synthesis(
        session, questionnaire, Scope(start=END - timedelta(hours=2), end=END), 5
    )
    assert later.themes == []  # everything was submitted a day before
    other = await collect_synthesis(session, questionnaire, Scope(end=END, themes=("pathway",)), 5)
    assert other.themes == []


async def test_a_digest_groups_only_the_proposals_of_themes_enough_people_answered(
    session,
) -> None:
    await seed_entry(session, MOBILITY + CHILDCARE)
    few = [Person(400 + i) for i in range(3)]  # three people on the pathway theme
    await add_people(session, few)
    for person in few:
        answers = {"path_proposal": {"text_value": "Financer le permis de conduire des salariés"}}
        await add_contribution(session, person.id, "pathway", END - timedelta(hours=3), answers)
    await session.flush()

    data = await collect_digest(
        session, default_questionnaire(), Scope(start=END - timedelta(days=2), end=END), 5
    )

    assert data.groups and {change.theme_key for change in data.groups} == {"entry"}
    members = {m for change in data.groups for m in change.group.members}
    assert all(change.is_new for change in data.groups)  # the first period: all new
    pathway = {c.public_id for c in await contributions_of(session, "pathway")}
    assert not members & pathway


async def contributions_of(session, theme: str) -> list[Contribution]:
    return list(await session.scalars(select(Contribution).where(Contribution.theme_key == theme)))


async def test_a_question_with_too_many_answers_is_named_not_grouped(session, monkeypatch) -> None:
    from bot.services import synthesis as module

    monkeypatch.setattr(module, "GROUPED_TEXTS", 8)  # the real cap is 10,000, scaled down
    await seed_entry(session, MOBILITY + CHILDCARE)  # 9 proposals

    result = await collect_synthesis(session, default_questionnaire(), Scope(end=END), 5)

    [entry] = result.themes
    assert entry.contributors == 9
    assert entry.too_many == {"entry_barriers": 9, "entry_proposal": 9}
    assert entry.groups == []
    with use_locale("fr"):
        assert "trop nombreuses pour être regroupées ici" in synthesis_text(result, "fr")
