"""What the bot says: texts built with gettext, user content always HTML-escaped.

Functions here render; they decide nothing. Messages are HTML (the bot's default parse mode).
"""

from __future__ import annotations

import html
import re
from datetime import time as dt_time
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.config import Settings, language_name
from bot.domain.flows import text_limit
from bot.domain.geo import department_label, get_department, get_region
from bot.domain.profile_options import ROLES, STRUCTURE_TYPES
from bot.domain.questionnaire import SCALE_VALUES, Question, Theme
from bot.i18n import format_day, format_number, format_time
from bot.services.contributions import Step, ThemeProgress
from storage.models import Answer, Contribution, ContributionStatus, User

TELEGRAM_TEXT_LIMIT = 4096


def escape(text: str) -> str:
    """Escape user content for Telegram HTML (quotes need no escaping there)."""
    return html.escape(text, quote=False)


ECHO_LENGTH = 60


def echo(text: str, limit: int = ECHO_LENGTH) -> str:
    """What someone typed, quoted back in a reply ("I don't know the department …"): on one
    line, shortened, escaped, so that the reply always fits Telegram's limit."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return escape(text)


def welcome_text() -> str:
    return _(
        "👋 <b>Welcome to Relais.</b>\n\n"
        "The State, the IAE networks and France Travail are writing the sector's new roadmap. "
        "Relais lets you, field staff of IAE organisations, contribute from your phone, "
        "a few minutes at a time, on three themes."
    )


def privacy_text(settings: Settings, version: int) -> str:
    """The notice people accept (GDPR art. 13). Its version is PRIVACY_VERSION: change one
    word of it and bump that, so that everyone is asked again (handlers/middlewares.py)."""

    def setting(value: str | None, name: str) -> str:
        if value:
            return escape(value)
        return _("[sample value: set {setting}]").format(setting=name)

    k = settings.small_group_threshold
    days, outbox_days = settings.retention_days, settings.outbox_retention_days
    contact = setting(settings.privacy_contact, "PRIVACY_CONTACT")
    paragraphs = [
        _("🔒 <b>Your data, in plain words</b> (notice no. {version})").format(version=version),
        _(
            "<b>Who is responsible:</b> {controller}. Contact: {contact}. Data protection "
            "officer: {dpo}."
        ).format(
            controller=setting(settings.privacy_controller, "PRIVACY_CONTROLLER"),
            contact=contact,
            dpo=setting(settings.privacy_dpo, "PRIVACY_DPO"),
        ),
        _(
            "<b>Why, and on what basis:</b> to gather field contributions for the IAE roadmap "
            "consultation and summarise them for its organisers. The legal basis is your "
            "consent (GDPR art. 6-1-a), which you can withdraw at any time with /oubli."
        ),
        _(
            "<b>What is stored:</b> your Telegram id and language; your profile (type and name "
            "of your structure, department, role); your answers and their earlier versions; "
            "your voice notes if you choose to keep them; your settings; the day of your last "
            "message; the messages the bot sent you."
        ),
        _(
            "<b>Your Telegram id</b> is used to reply to you, to send you meeting reminders and "
            "the admins' messages, and in the log of organiser and admin actions. Organisers "
            "never see it."
        ),
        _(
            "<b>Who sees what:</b> the consultation's organisers (UNAI, the IAE networks, DGEFP, "
            "DREETS/DDETS, France Travail) read your answers under a reference (C-…), with the "
            "type of structure, place and role only where at least {k} contributors share them; "
            "never your name, your structure's name or your Telegram account. Phone numbers, "
            "e-mail addresses, social security and bank numbers, names, postal addresses and "
            "dates of birth are masked. Nothing is shown for a selection of fewer than {k} "
            "people, and times are shown to the day."
        ).format(k=k),
        _(
            "<b>Voice notes:</b> organisers hear them as recorded and may recognise your voice. "
            "You are asked before the first one is kept, and they are only played among the "
            "answers of at least {k} people."
        ).format(k=k),
        _(
            "<b>Processors and transfers:</b> messages go through Telegram, whose servers are "
            "outside the European Union (a transfer outside the EU, on Telegram's terms); the "
            "bot is hosted by {hosting}."
        ).format(hosting=setting(settings.privacy_hosting, "PRIVACY_HOSTING")),
        _(
            "<b>For how long:</b> everything about you is erased {days} days after your last "
            "message to the bot, each contribution {days} days after its last change, and the "
            "messages sent to you {outbox_days} days after they were sent."
        ).format(days=days, outbox_days=outbox_days),
        _(
            "<b>Your rights:</b> access and portability (/mesdonnees sends you everything stored, "
            "in a machine-readable file), rectification (/profil, /mescontributions), erasure "
            "and withdrawal of consent (/oubli), withdrawal of a contribution "
            "(/mescontributions), of your voice notes (/profil), objection and restriction "
            "(write to {contact}). You may complain to the CNIL (cnil.fr)."
        ).format(contact=contact),
    ]
    return "\n\n".join(paragraphs)


def notice_changed() -> str:
    return _(
        "📄 The privacy notice has changed. Please read it and accept it to go on: until then, "
        "nothing new is stored. /mesdonnees and /oubli still work."
    )


def notice_accepted() -> str:
    return _("Thank you: the new notice is accepted.")


def notice_declined() -> str:
    return _(
        "Understood: nothing new will be stored. Your data stays as it is until you accept the "
        "notice or erase it with /oubli."
    )


def consent_prompt() -> str:
    return _("Do you agree to take part on these terms?")


def declined_text() -> str:
    return _(
        "No problem: nothing about you has been stored. If you change your mind, send /start "
        "at any time."
    )


def consent_needed_text() -> str:
    return _("To take part, please start with /start and accept the privacy notice.")


def ask_language() -> str:
    return _("Which language do you prefer?")


def ask_structure_type() -> str:
    return _("What type of structure do you work for?")


def ask_structure_name(limit: int) -> str:
    return _("What is the name of your structure? (at most {limit} characters)").format(limit=limit)


def ask_department() -> str:
    return _(
        "In which department do you work? Type its number or its name, for example "
        "<i>38</i>, <i>2A</i> or <i>Gironde</i>."
    )


def department_not_found(text: str, with_suggestions: bool) -> str:
    if with_suggestions:
        return _("I don't know the department “{text}”. Did you mean one of these?").format(
            text=echo(text)
        )
    return _(
        "I don't know the department “{text}”. Type a number like <i>38</i>, <i>2A</i> or "
        "<i>974</i>, or a name like <i>Isère</i>."
    ).format(text=echo(text))


def department_saved(code: str) -> str:
    department = get_department(code)
    if department is None:
        return ""
    return _("📍 {department}, region {region}.").format(
        department=escape(department_label(department)), region=escape(department.region.name)
    )


def ask_role() -> str:
    return _("What is your role?")


def ask_role_other(limit: int) -> str:
    return _("Describe your role in a few words (at most {limit} characters).").format(limit=limit)


def onboarding_done() -> str:
    return _(
        "✅ Thank you, your profile is ready. You can now contribute on one of the three themes; "
        "you can stop at any time and pick up where you left off."
    )


def welcome_back() -> str:
    return _("Welcome back to Relais. What would you like to do?")


def review_pending() -> str:
    return _("Your draft is complete: check your answers below, change one if needed, then submit.")


def main_menu_text() -> str:
    return _("What would you like to do?")


def text_expected() -> str:
    return _("I can only read text here. Please type your answer; nothing was saved.")


def text_or_voice_expected() -> str:
    return _(
        "I can only take text or a voice note for this question. Nothing was saved; please "
        "answer again."
    )


def buttons_expected() -> str:
    return _("Please answer with the buttons of the question below; nothing was saved.")


def too_long(length: int, limit: int) -> str:
    return _(
        "Your message is {length} characters long; the limit here is {limit}. Please shorten "
        "it and send it again. Nothing was saved."
    ).format(length=length, limit=limit)


def empty_text() -> str:
    return _("That message is empty. Please type your answer.")


def not_understood() -> str:
    return _("I'm not sure what to do with that message. Here is the menu.")


def button_expired() -> str:
    return _("This button has expired. Please use the most recent message.")


def too_many_choices(limit: int) -> str:
    return ngettext(
        "You can choose at most {limit} option.", "You can choose at most {limit} options.", limit
    ).format(limit=limit)


def choose_at_least_one() -> str:
    return _("Choose at least one option, then validate.")


def voice_too_long(limit: int) -> str:
    return _("Voice notes are limited to {minutes} minutes. Nothing was saved.").format(
        minutes=limit // 60
    )


def paused_text() -> str:
    return _(
        "⏸ Your draft is saved. Come back whenever you like with /contribuer: you will resume "
        "at the next unanswered question."
    )


def submitted_text() -> str:
    return _(
        "🙏 <b>Thank you, your contribution has been submitted.</b>\n\n"
        "It will be read by the organisers of the consultation, without your name, and will feed "
        "the national working group and the regional workshop days. You can still edit or "
        "withdraw it with /mescontributions, and contribute on another theme with /contribuer."
    )


def withdrawn_text() -> str:
    return _(
        "Your contribution has been withdrawn: organisers will no longer see it. It stays "
        "visible to you until you erase your data with /oubli."
    )


def withdraw_confirm() -> str:
    return _("Withdraw this contribution? Organisers will no longer see it.")


def forget_confirm() -> str:
    return _(
        "This erases your profile, your drafts, your contributions and every version of your "
        "answers. It cannot be undone. Continue?"
    )


def forgotten() -> str:
    return _("🗑 Everything about you has been erased. Goodbye, and thank you. /start to come back.")


def forget_cancelled() -> str:
    return _("Nothing was erased.")


def data_export_caption() -> str:
    return _("Everything Relais stores about you: JSON (complete) and CSV (your answers).")


def no_contributions() -> str:
    return _("You have not submitted any contribution yet. /contribuer to start.")


def choose_theme(drafts: int) -> str:
    text = _("Choose a theme:")
    if drafts:
        text += "\n" + ngettext(
            "You have {count} draft in progress; choosing its theme resumes it.",
            "You have {count} drafts in progress; choosing a theme resumes its draft.",
            drafts,
        ).format(count=drafts)
    return text


def theme_mark(progress: ThemeProgress) -> str:
    """A short suffix for a theme button: the draft's progress, or ✓ once submitted."""
    if progress.draft_answered is not None:
        return " " + _("(draft {answered}/{total})").format(
            answered=progress.draft_answered, total=progress.total
        )
    if progress.submitted:
        return " ✓"
    return ""


def theme_intro(theme: Theme, locale: str) -> str:
    return _("<b>Theme {number}: {title}</b>\n{description}").format(
        number=theme.number,
        title=escape(theme.title.get(locale)),
        description=escape(theme.description.get(locale)),
    )


def question_text(
    step: Step, locale: str, max_answer_length: int, *, mask: int | None = None
) -> str:
    assert step.theme and step.question
    question = step.question
    lines = [
        _("Theme {number} · Question {position}/{total}").format(
            number=step.theme.number, position=step.position, total=len(step.theme.questions)
        ),
        "",
        f"<b>{escape(question.prompt.get(locale))}</b>",
    ]
    if question.hint:
        lines.append(f"<i>{escape(question.hint.get(locale))}</i>")
    if question.kind == "text":
        lines.append(
            _("✍️ Type your answer (at most {limit} characters) or send a voice note.").format(
                limit=text_limit(question, max_answer_length)
            )
        )
    elif question.kind == "scale" and question.scale_min and question.scale_max:
        lines.append(
            _("1 = {low} … 5 = {high}").format(
                low=escape(question.scale_min.get(locale)),
                high=escape(question.scale_max.get(locale)),
            )
        )
    elif question.kind == "multi":
        lines.append(_("Tick one or more options, then validate."))
    if question.optional:
        lines.append(_("(optional)"))
    current = step.answers.get(question.key)
    if current is not None and not current.skipped:
        lines += [
            "",
            _("Current answer: {answer}").format(answer=answer_text(question, current, locale)),
        ]
    return "\n".join(lines)


def answer_text(question: Question, answer: Answer | None, locale: str) -> str:
    """An answer as the author sees it (HTML-escaped)."""
    if answer is None:
        return _("(not answered)")
    if answer.skipped:
        return _("(skipped)")
    if answer.voice_file_id:
        return _("🎤 voice note ({seconds} s)").format(seconds=answer.voice_duration or 0)
    if answer.text_value is not None:
        return escape(answer.text_value)
    if answer.scale_value is not None:
        return f"{answer.scale_value}/5"
    if answer.choice_keys is not None:
        return escape(question.labels(answer.choice_keys, locale))
    return _("(not answered)")


def answered_recap(question: Question, answer: Answer | None, locale: str) -> str:
    prompt = escape(question.prompt.get(locale))
    return f"✔️ <b>{prompt}</b>\n{answer_text(question, answer, locale)}"


def answers_listing(theme: Theme, answers: dict[str, Answer], locale: str) -> str:
    blocks = []
    for number, question in enumerate(theme.questions, start=1):
        prompt = escape(question.prompt.get(locale))
        answer = answer_text(question, answers.get(question.key), locale)
        blocks.append(f"{number}. <b>{prompt}</b>\n→ {answer}")
    return "\n\n".join(blocks)


def review_text(step: Step, locale: str) -> str:
    assert step.theme
    header = _(
        "📝 <b>Review: theme {number}, {title}</b>\nCheck your answers. Tap ✏️ and a "
        "number to change one, then submit."
    ).format(number=step.theme.number, title=escape(step.theme.title.get(locale)))
    return header + "\n\n" + answers_listing(step.theme, step.answers, locale)


def contribution_label(
    contribution: Contribution, theme: Theme | None, locale: str, tz: ZoneInfo
) -> str:
    title = theme.title.get(locale) if theme else contribution.theme_key
    when = contribution.submitted_at or contribution.created_at
    label = _("{title} · {day}").format(title=title, day=format_day(when, locale, tz))
    if contribution.status == ContributionStatus.WITHDRAWN:
        label += " " + _("(withdrawn)")
    return label


def my_contributions_text(count: int) -> str:
    return ngettext(
        "You have {count} contribution. Choose one to see it:",
        "You have {count} contributions. Choose one to see it:",
        count,
    ).format(count=count)


def contribution_text(step: Step, locale: str, tz: ZoneInfo) -> str:
    assert step.contribution and step.theme
    contribution = step.contribution
    header = _("<b>{label}</b>\nReference: <code>{public_id}</code>").format(
        label=escape(contribution_label(contribution, step.theme, locale, tz)),
        public_id=contribution.public_id,
    )
    return header + "\n\n" + answers_listing(step.theme, step.answers, locale)


def pick_question_to_edit() -> str:
    return _("Which answer do you want to change? Your previous answer is kept in the history.")


def answer_updated() -> str:
    return _("✅ Answer updated; the previous version is kept.")


def profile_text(user: User, locale: str) -> str:
    department = get_department(user.department_code or "")
    role = _(ROLES[user.role]) if user.role in ROLES else None
    role_label = user.role_other if user.role == "other" and user.role_other else role
    lines = [
        _("👤 <b>Your profile</b>"),
        _("Language: {value}").format(value=language_name(user.language)),
        _("Type of structure: {value}").format(
            value=escape(
                _(STRUCTURE_TYPES[user.structure_type])
                if user.structure_type in STRUCTURE_TYPES
                else "—"
            )
        ),
        _("Structure: {value}").format(value=escape(user.structure_name or "—")),
        _("Department: {value}").format(
            value=escape(
                f"{department_label(department)}, {department.region.name}" if department else "—"
            )
        ),
        _("Role: {value}").format(value=escape(str(role_label or "—"))),
        voice_choice_line(user.voice_choice),
        "",
        _("Tap a field to change it."),
    ]
    return "\n".join(lines)


def digest_gave_up(attempts: int, error: str) -> str:
    """No id of the organiser: this message outlives their erasure in the admin's chat."""
    return _(
        "⚠️ An organiser's digest failed {attempts} times ({error}). It will not be tried "
        "again; their next digest covers what follows. The logs say whose."
    ).format(attempts=attempts, error=escape(error[:120]))


def voice_choice_question(*, chose_typing: bool, threshold: int) -> str:
    intro = (
        _("You chose to type your answers, so this voice note was not kept.")
        if chose_typing
        else _("🎤 Before your voice note is kept:")
    )
    return (
        intro
        + "\n\n"
        + _(
            "Organisers will hear voice notes as they are recorded, and may recognise your "
            "voice: unlike a phone number in a text, a voice cannot be masked. They only hear "
            "them among the answers of at least {threshold} people."
        ).format(threshold=threshold)
        + "\n\n"
        + _("Keep your voice notes, or type your answers instead? You can change this in /profil.")
    )


def voice_choice_line(choice: str | None) -> str:
    if choice == "keep":
        value = _("kept: organisers may hear them")
    elif choice == "type":
        value = _("not kept: you type your answers")
    else:
        value = _("you will be asked before the first one is kept")
    return _("Voice notes: {value}").format(value=value)


def voice_choice_saved(*, keep: bool, recorded: bool, seconds: int = 0) -> str:
    """`seconds`: the length of the voice note recorded, if one was."""
    if keep and recorded:
        return _("🎤 Voice notes are kept from now on.") + "\n" + voice_saved(seconds)
    if keep:
        return _("🎤 Voice notes will be kept. Please send your voice note again.")
    return _("⌨️ Understood: your voice notes are not kept. Please type your answer.")


def masked_notice(kinds: frozenset[str]) -> str:
    """Tells the author, once, what organisers will see masked in the answer just saved."""
    return _("🔒 Masked for organisers in this answer: {what}.").format(what=_masked_list(kinds))


def masked_later_notice(kinds: frozenset[str], theme_number: int, question_number: int) -> str:
    """The same, later, for what only the background check found (names)."""
    return _(
        "🔒 In your answer to question {question} of theme {theme}, organisers will also see "
        "masked: {what}."
    ).format(question=question_number, theme=theme_number, what=_masked_list(kinds))


def _masked_list(kinds: frozenset[str]) -> str:
    labels = {
        "phone": _("a phone number"),
        "email": _("an e-mail address"),
        "nir": _("a social security number"),
        "iban": _("a bank account number (IBAN)"),
        "name": _("a person's name"),
        "address": _("a postal address"),
        "birth_date": _("a date of birth"),
        "structure": _("the name of your structure"),
    }
    return ", ".join(labels[kind] for kind in sorted(kinds) if kind in labels)


def form_left() -> str:
    return _(
        "You left the form; nothing you typed in it was kept as an answer. /aide lists what "
        "you can do."
    )


def profile_needed() -> str:
    return _(
        "Your profile is needed to take part: please answer the question above. /oubli erases "
        "everything if you prefer to stop."
    )


def form_still_open() -> str:
    return _("↩️ Your form is still open: answer its last question, or send /annuler to leave it.")


def fewer_than(threshold: int) -> str:
    return _("fewer than {threshold}").format(threshold=threshold)


def count_text(count: int | None, threshold: int, locale: str) -> str:
    """A count organisers may see, or "fewer than N" where too few people are behind it."""
    return fewer_than(threshold) if count is None else format_number(count, locale)


def small_scope_sentence(threshold: int) -> str:
    """The one sentence every organiser output gives when its result set is too small."""
    return _(
        "Fewer than {threshold} people are behind this selection, so it is not shown, to "
        "protect them. Widen it: more regions or themes, or a longer period."
    ).format(threshold=threshold)


_TAG_OR_ENTITY = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>|&[#a-zA-Z0-9]+;")


def split_for_telegram(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split Telegram HTML so that no message exceeds `limit` and none cuts a tag or an entity.

    Cuts fall on a blank line, else a line break, in the second half of the message, else on a
    space, and only ever between tags and entities. Tags still open at a cut are closed at the
    end of the chunk and opened again at the start of the next, so each message is valid HTML.
    """
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    budget = limit - 100  # room for closing and reopening tags
    current: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, opening tag), outermost first
    # Line breaks seen in the current chunk: (index, blank line?, tags open there, size before).
    breaks: list[tuple[int, bool, list[tuple[str, str]], int]] = []

    def flush(upto: int, tags: list[tuple[str, str]]) -> list[str]:
        closing = "".join(f"</{name}>" for name, _tag in reversed(tags))
        chunks.append(("".join(current[:upto]) + closing).strip("\n "))
        return [tag for _name, tag in tags]

    size = 0
    for token in _html_tokens(text):
        if current and size + len(token) > budget:
            late = [b for b in breaks if b[3] * 2 > budget]
            cut = next((b for b in reversed(late) if b[1]), late[-1] if late else None)
            if cut is not None:
                rest = current[cut[0] + 1 :]
                current = flush(cut[0], cut[2]) + rest
            else:
                current = flush(len(current), open_tags)
            size = sum(map(len, current))
            breaks = []
            if token.isspace():
                continue
        if token.isspace() and "\n" in token:
            breaks.append((len(current), token.count("\n") > 1, list(open_tags), size))
        current.append(token)
        size += len(token)
        _track_tags(token, open_tags)
    if "".join(current).strip():
        chunks.append("".join(current).strip("\n "))
    return chunks


def _track_tags(token: str, open_tags: list[tuple[str, str]]) -> None:
    match = _TAG_OR_ENTITY.fullmatch(token)
    if not match or not match.group(2):
        return
    name = match.group(2).lower()
    if not match.group(1):
        open_tags.append((name, token))
        return
    for index in range(len(open_tags) - 1, -1, -1):
        if open_tags[index][0] == name:
            del open_tags[index]
            return


def _html_tokens(text: str) -> list[str]:
    """Tags, entities, runs of whitespace and words (a word longer than a message is cut)."""
    tokens: list[str] = []
    position = 0
    for match in _TAG_OR_ENTITY.finditer(text):
        tokens += _plain_tokens(text[position : match.start()])
        tokens.append(match.group(0))
        position = match.end()
    tokens += _plain_tokens(text[position:])
    return tokens


def _plain_tokens(text: str, longest: int = 3000) -> list[str]:
    pieces = [piece for piece in re.split(r"(\s+)", text) if piece]
    tokens: list[str] = []
    for piece in pieces:
        while len(piece) > longest:  # a single "word" longer than a message
            tokens.append(piece[:longest])
            piece = piece[longest:]
        tokens.append(piece)
    return tokens


def saved_but_reply_failed() -> str:
    return _("Your last action is saved, but Telegram did not deliver our reply.")


def unseen_question() -> str:
    return _(
        "Your previous answer is saved. This message was not filed: here is the question it "
        "would answer, so that you can see it first."
    )


def internal_error() -> str:
    return _(
        "Sorry, something went wrong on our side and your last action was not saved. "
        "Please try again."
    )


# --- Organisers and admins ----------------------------------------------------------------------


def voice_note_caption(public_id: str, theme_number: int) -> str:
    return _("Contribution {reference} · theme {number}").format(
        reference=public_id, number=theme_number
    )


def subscription_text(subscription, questionnaire, locale: str) -> str:
    frequency = {
        "daily": _("every day at {time}"),
        "weekly": _("every Monday at {time}"),
        "off": _("never (off)"),
    }[subscription.frequency].format(
        time=format_time(dt_time(subscription.hour, subscription.minute), locale)
    )
    themes = subscription.themes or [t.key for t in questionnaire.themes]
    numbers = ", ".join(str(t.number) for t in questionnaire.themes if t.key in themes)
    regions = ", ".join(
        escape(region.name) for code in subscription.regions or [] if (region := get_region(code))
    ) or _("all")
    return "\n".join(
        [
            _("📬 <b>Your digest</b>"),
            _("Sent: {frequency}").format(frequency=frequency),
            _("Themes: {numbers}").format(numbers=numbers),
            _("Regions: {regions}").format(regions=regions),
            "",
            _("Tap to change. The digest comes with a spreadsheet and a chart."),
        ]
    )


def choose_regions() -> str:
    return _("Choose the regions your digest covers (none ticked: all regions).")


def export_prompt() -> str:
    return _(
        "📊 <b>Export</b>: choose the themes, the period and, if you want, regions "
        "(none ticked: all), then the format."
    )


def export_caption(count: int) -> str:
    return ngettext(
        "{count} contribution. Small groups are shown as “other”; personal data is masked.",
        "{count} contributions. Small groups are shown as “other”; personal data is masked.",
        count,
    ).format(count=count)


def invitation_text(link: str, expires: str) -> str:
    return _(
        "🔗 Organiser invitation, valid once, until {expires}:\n{link}\n\n"
        "Send it to one person only. Opening it makes them an organiser after they accept the "
        "privacy notice."
    ).format(link=link, expires=expires)


def invitation_result(result: str) -> str:
    return {
        "accepted": _(
            "✅ You are now an organiser of the consultation. /digest shows what was said since "
            "your last digest, /export downloads contributions, /abonnement sets your daily "
            "digest."
        ),
        "already": _("You are already an organiser."),
        "used": _("This invitation link has already been used. Ask an admin for a new one."),
        "expired": _("This invitation link has expired. Ask an admin for a new one."),
        "unknown": _("This invitation link is not valid. Ask an admin for a new one."),
    }[result]


def organisers_text(lines: list[str]) -> str:
    if not lines:
        return _("There is no organiser yet. /inviter creates an invitation link.")
    return _("<b>Organisers</b>") + "\n" + "\n".join(lines)


def revoke_confirm(label: str) -> str:
    return _("Revoke {who}? They will stop receiving digests and lose access to exports.").format(
        who=escape(label)
    )


def revoked(label: str) -> str:
    return _("{who} is no longer an organiser.").format(who=escape(label))


def reminders_state(*, muted: bool) -> str:
    """/rappels: the current state (the buttons below it switch it explicitly)."""
    if muted:
        return _("🔕 Meeting reminders are <b>off</b>.")
    return _("🔔 Meeting reminders are <b>on</b>.")


def reminders_unchanged(*, muted: bool) -> str:
    if muted:
        return _("Nothing to change: meeting reminders are already off.")
    return _("Nothing to change: meeting reminders are already on.")


# --- Flows (issue 13): a theme already contributed, discarding a draft, voice notes, language ---


def theme_already_contributed(theme: Theme, locale: str) -> str:
    return _(
        "✓ You already contributed on theme {number}, {title}. Start another contribution "
        "on this theme?"
    ).format(number=theme.number, title=escape(theme.title.get(locale)))


def discard_draft_confirm(theme: Theme, locale: str, answered: int) -> str:
    text = _("Discard your draft on theme {number}, {title}?").format(
        number=theme.number, title=escape(theme.title.get(locale))
    )
    if not answered:
        return text + " " + _("It has no answer yet.")
    return (
        text
        + " "
        + ngettext(
            "Its {count} answer will be deleted for good.",
            "Its {count} answers will be deleted for good.",
            answered,
        ).format(count=answered)
    )


def draft_discarded() -> str:
    return _("🗑 Draft discarded.")


def voice_duration(seconds: int) -> str:
    """ "42 s", "1 min 05 s": the length of a voice note."""
    if seconds < 60:
        return _("{seconds} s").format(seconds=seconds)
    return _("{minutes} min {seconds} s").format(
        minutes=seconds // 60, seconds=f"{seconds % 60:02d}"
    )


def voice_saved(seconds: int) -> str:
    return _("🎤 voice message saved, {duration}").format(duration=voice_duration(seconds))


def language_preselected() -> str:
    """Onboarding: the language Telegram told is used at once; the others are one tap away."""
    return _(
        "🌐 I will write to you in English. Another language: one tap below, or later in /profil."
    )


def option_label(question: Question, key: str, locale: str) -> str:
    """An option's label, or a scale value with the scale's ends ("5 (Très bien)")."""
    if question.kind == "scale":
        ends = {min(SCALE_VALUES): question.scale_min, max(SCALE_VALUES): question.scale_max}
        end = ends.get(int(key))
        return f"{key} ({end.get(locale)})" if end else key
    option = question.option(key)
    return option.label.get(locale) if option else key
