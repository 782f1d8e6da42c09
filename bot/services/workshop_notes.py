"""Workshop notes: what was said at a workshop day, imported from an organiser's CSV file so that
it joins the synthesis, the brief and the exports, marked as coming from a workshop.

The file: UTF-8 (with or without a BOM), `,` or `;` between values (told from the header line:
French Excel saves with `;`), the header holding exactly the columns `theme`, `region`, `text`
and, optionally, `id`, in any order (case and accents do not matter). Line numbers are the
spreadsheet's rows: line 1 is the header, a text written over several lines inside quotes is one
row.

- `theme`: a theme key (`entry`), its number (`1`), or its title, short or long, in any supported
  language ("Repérage et entrée en IAE", "1. Repérage et entrée en IAE");
- `region`: an INSEE region code (`84`) or a name typed loosely ("auvergne rhone alpes"); empty
  (or "national") for a national workshop;
- `text`: required, at most 4,000 characters; stored scrubbed as contributions are before
  organisers read them (`bot.domain.scrub.scrub_many`: the patterns — phones, e-mails, NIR,
  IBAN, addresses, names after a civility — and the French model's person names), never as
  written: the original stays in the organiser's file;
- `id`: optional. A note's reference is "W-<id>" when the file gives one (letters, digits, `.`,
  `_`, `-`, `/`; an id already imported, or twice in the file, is an error), else
  "W-auto-<n>", n counting on from the largest one stored. Ids starting with "auto-" are
  refused, so a given id never takes a made-up reference.

Every row is checked and every problem reported with its line; nothing is imported unless the
whole file is valid. Messages are English sentences, like the meetings import's (the CLI prints
them). Notes are not people: no profile, and they count in no contributor total.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.geo import resolve_region
from bot.domain.questionnaire import Questionnaire, Theme, default_questionnaire
from bot.domain.scrub import clean_input, scrub_many
from bot.services.meetings import NATIONAL
from storage.base import Clock, utcnow
from storage.models import WorkshopNote
from storage.repositories.workshop_notes import (
    AUTO_PREFIX,
    WorkshopNoteRepo,
    WorkshopNoteRow,
)
from storage.unit_of_work import UnitOfWork

CSV_COLUMNS = ("id", "theme", "region", "text")
REQUIRED_COLUMNS = ("theme", "region", "text")
MAX_TEXT = 4000
MAX_ID = 40
MAX_SOURCE = 255
GIVEN_PREFIX = "W-"
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")
_NUMBERED_RE = re.compile(r"(\d+)\s*[.)\-:]?\s*(.*)", re.DOTALL)


@dataclass(frozen=True)
class ImportProblem:
    line: int  # 1: the header; 0: the file as a whole
    message: str  # an English sentence without its final full stop


@dataclass(frozen=True)
class NoteDraft:
    line: int
    given_id: str | None
    theme_key: str
    region_code: str | None  # INSEE; None: national
    text: str  # checked, as written (scrubbed when imported)


@dataclass(frozen=True)
class ParsedNotes:
    drafts: tuple[NoteDraft, ...]
    problems: tuple[ImportProblem, ...]
    given_ids: tuple[tuple[int, str], ...] = ()  # (line, id) of every well-formed id, once each


@dataclass(frozen=True)
class ImportResult:
    imported: int  # notes stored (or that would be, with dry_run)
    per_theme: dict[str, int]  # theme key -> notes, in the questionnaire's order
    references: tuple[str, ...]  # in the file's order
    dry_run: bool = False


class NoteProblem(ValueError):
    """One reason a field is unusable; the message is the English sentence."""


def _folded(text: str) -> str:
    """Lower case, no accents, letters and digits only: "Auvergne-Rhône" -> "auvergnerhone"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return "".join(re.findall(r"[a-z0-9]+", bare))


def theme_choices(questionnaire: Questionnaire) -> str:
    keys = ", ".join(theme.key for theme in questionnaire.themes)
    numbers = ", ".join(str(theme.number) for theme in questionnaire.themes)
    return f"{keys} or {numbers}"


def _names(theme: Theme) -> set[str]:
    names = {_folded(theme.key)}
    for localized in (theme.title, theme.short_title):
        if localized is not None:
            names.update(_folded(text) for text in localized.texts.values())
    return names


def resolve_theme(text: str, questionnaire: Questionnaire) -> Theme:
    """A theme from its key, its number or its title ("1. Repérage..." too)."""
    typed = text.strip()
    if not typed:
        raise NoteProblem(f"the theme is missing ({theme_choices(questionnaire)})")
    folded = _folded(typed)
    for theme in questionnaire.themes:
        if folded in _names(theme):
            return theme
    numbered = _NUMBERED_RE.fullmatch(typed)
    if numbered:
        number, rest = int(numbered[1]), _folded(numbered[2])
        for theme in questionnaire.themes:
            if theme.number == number and (not rest or rest in _names(theme)):
                return theme
    raise NoteProblem(f"unknown theme {typed!r} ({theme_choices(questionnaire)})")


def resolve_note_region(text: str) -> str | None:
    """An INSEE region code from a code or a name; None for a national workshop."""
    typed = text.strip()
    if typed.lower() in NATIONAL:
        return None
    region = resolve_region(typed)
    if region is None:
        raise NoteProblem(f"unknown region {typed!r} (a name or an INSEE code like 84)")
    return region.code


def check_id(text: str) -> str | None:
    given = text.strip()
    if not given:
        return None
    if len(given) > MAX_ID or not _ID_RE.fullmatch(given):
        raise NoteProblem(
            f"bad id {given!r}: use letters, digits, '.', '_', '-' or '/' "
            f"({MAX_ID} characters at most)"
        )
    if given.lower().startswith(AUTO_PREFIX[len(GIVEN_PREFIX) :].lower()):
        raise NoteProblem(f"id {given!r} is reserved: ids starting with 'auto-' are made up here")
    return given


def clean_text(text: str) -> str:
    """The text of a note, checked (scrubbed on import, with the other notes)."""
    written = clean_input(text).strip()
    if not written:
        raise NoteProblem("the text is missing")
    if len(written) > MAX_TEXT:
        raise NoteProblem(f"the text is longer than {MAX_TEXT} characters ({len(written)})")
    return written


def _well_formed(given_id: str) -> bool:
    try:
        return check_id(given_id) is not None
    except NoteProblem:
        return False


def reference_for(given_id: str) -> str:
    return f"{GIVEN_PREFIX}{given_id}"


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise _FileProblem(
            ImportProblem(line, "not UTF-8 text: save the file as 'CSV UTF-8'")
        ) from None


class _FileProblem(Exception):
    def __init__(self, problem: ImportProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _delimiter(header_line: str) -> str:
    """`;` or `,`: whichever splits the header into more known column names."""

    def known(delimiter: str) -> int:
        return sum(_folded(name) in CSV_COLUMNS for name in header_line.split(delimiter))

    return ";" if known(";") > known(",") else ","


def _columns(header: list[str]) -> tuple[dict[str, int], list[ImportProblem], bool]:
    """Column name -> position, the header's problems, and whether the rows can be read (an
    unknown column leaves them readable; a missing or doubled one does not)."""
    positions: dict[str, int] = {}
    problems = []
    doubled = False
    expected = "the columns are id, theme, region and text; id is optional"
    for index, cell in enumerate(header):
        name = _folded(cell)
        if name not in CSV_COLUMNS:
            problems.append(ImportProblem(1, f"unknown column {cell.strip()!r} ({expected})"))
        elif name in positions:
            problems.append(ImportProblem(1, f"column {name!r} is given twice"))
            doubled = True
        else:
            positions[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    problems += [ImportProblem(1, f"missing column {name!r} ({expected})") for name in missing]
    return positions, problems, not missing and not doubled


def _row(
    line: int, cells: list[str], positions: dict[str, int], questionnaire: Questionnaire
) -> NoteDraft | list[ImportProblem]:
    problems: list[ImportProblem] = []

    def field(check, *args):
        try:
            return check(*args)
        except NoteProblem as problem:
            problems.append(ImportProblem(line, str(problem)))
            return None

    def cell(name: str) -> str:
        return cells[positions[name]] if name in positions else ""

    given_id = field(check_id, cell("id"))
    theme = field(resolve_theme, cell("theme"), questionnaire)
    region = field(resolve_note_region, cell("region"))
    text = field(clean_text, cell("text"))
    if problems:
        return problems
    assert theme is not None and text is not None
    return NoteDraft(line, given_id, theme.key, region, text)


def parse_notes(content: bytes | str, questionnaire: Questionnaire) -> ParsedNotes:
    """Every note of a file, checked, and every problem found (pure: no database)."""
    try:
        text = _decode(content)
    except _FileProblem as error:
        return ParsedNotes((), (error.problem,))
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        return ParsedNotes((), (ImportProblem(0, "no note found (the file is empty)"),))
    delimiter = _delimiter(first_line)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    drafts: list[NoteDraft] = []
    problems: list[ImportProblem] = []
    seen: dict[str, int] = {}
    line = 0
    try:
        header = next(records)
        line = 1
        positions, problems, readable = _columns(header)
        for line, cells in enumerate(records, start=2):
            if not any(value.strip() for value in cells):
                continue  # a blank row (spreadsheets leave some at the end)
            if len(cells) != len(header):
                problems.append(
                    ImportProblem(
                        line,
                        f"{len(cells)} values for {len(header)} columns (a text holding "
                        f"{delimiter!r} or a line break must be in double quotes)",
                    )
                )
                continue
            if not readable:
                continue
            result = _row(line, cells, positions, questionnaire)
            given = cells[positions["id"]].strip() if "id" in positions else ""
            duplicate = given in seen
            if duplicate:
                problems.append(
                    ImportProblem(line, f"id {given!r} is already on line {seen[given]}")
                )
            elif _well_formed(given):
                seen[given] = line
            if isinstance(result, list):
                problems += result
            elif not duplicate:
                drafts.append(result)
    except csv.Error as error:
        problems.append(
            ImportProblem(line + 1, f"unreadable CSV ({error}): check the double quotes")
        )
    if not problems and not drafts:
        problems.append(ImportProblem(0, "no note found (only a header)"))
    return ParsedNotes(tuple(drafts), tuple(problems), tuple((n, i) for i, n in seen.items()))


class WorkshopNoteService:
    """Import and read workshop notes; runs in the caller's unit of work (never commits)."""

    def __init__(
        self,
        session: UnitOfWork,
        questionnaire: Questionnaire | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.notes = WorkshopNoteRepo(session)
        self.questionnaire = questionnaire or default_questionnaire()
        self.clock = clock

    async def import_csv(
        self, content: bytes | str, source: str, *, dry_run: bool = False
    ) -> ImportResult | list[ImportProblem]:
        """Store every note of the file, or none: the result, or every problem by line."""
        parsed = parse_notes(content, self.questionnaire)
        problems = list(parsed.problems)
        given = {reference_for(given_id): (line, given_id) for line, given_id in parsed.given_ids}
        for reference in await self.notes.existing_references(given):
            line, given_id = given[reference]
            problems.append(
                ImportProblem(line, f"id {given_id!r} was already imported (as {reference})")
            )
        if problems:
            return sorted(problems, key=lambda problem: problem.line)  # stable: columns' order
        number = await self.notes.next_auto_number()
        references = []
        for draft in parsed.drafts:
            if draft.given_id is not None:
                references.append(reference_for(draft.given_id))
            else:
                references.append(f"{AUTO_PREFIX}{number}")
                number += 1
        if not dry_run:
            now, source = self.clock(), source[:MAX_SOURCE]
            texts = [scrubbed.text for scrubbed in scrub_many([d.text for d in parsed.drafts])]
            await self.notes.add_many(
                WorkshopNote(
                    reference=reference,
                    theme_key=draft.theme_key,
                    region_code=draft.region_code,
                    text=text,
                    imported_at=now,
                    source=source,
                )
                for reference, draft, text in zip(references, parsed.drafts, texts, strict=True)
            )
        counts = {theme.key: 0 for theme in self.questionnaire.themes}
        for draft in parsed.drafts:
            counts[draft.theme_key] += 1
        return ImportResult(
            imported=len(parsed.drafts),
            per_theme={key: count for key, count in counts.items() if count},
            references=tuple(references),
            dry_run=dry_run,
        )

    async def listing(
        self, themes: Sequence[str] = (), regions: Sequence[str] = ()
    ) -> list[WorkshopNoteRow]:
        return await self.notes.in_scope(themes, regions)
