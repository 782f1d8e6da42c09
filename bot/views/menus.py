"""What each role finds: the Telegram command menu, `/aide`, the refusals, the bot's description
(what people see before /start), and how organisers and admins are named.

One list per role, in menu order; a role's menu is its own list after the lists of the roles
below it (an admin also organises, and everyone may contribute). `/aide` is built from the same
lists, so the menu and the help cannot disagree. `handlers/menus.py` sends them to Telegram.
"""

from __future__ import annotations

from aiogram.types import BotCommand
from aiogram.utils.i18n import gettext as _

from bot.i18n import use_locale
from bot.services.roles import Role
from bot.views.messages import escape

FIELD_COMMANDS = (
    "contribuer",
    "mescontributions",
    "profil",
    "confidentialite",
    "mesdonnees",
    "oubli",
    "rappels",
    "aide",
)
ORGANISER_COMMANDS = ("digest", "export", "abonnement")
ADMIN_COMMANDS = ("reunions", "diffuser", "inviter", "organisateurs")
ROLE_COMMANDS = {
    Role.MEMBER: FIELD_COMMANDS,
    Role.ORGANISER: ORGANISER_COMMANDS,
    Role.ADMIN: ADMIN_COMMANDS,
}
# The roles whose commands a role has, in the order /aide lists them.
ROLE_GROUPS = {
    Role.MEMBER: (Role.MEMBER,),
    Role.ORGANISER: (Role.MEMBER, Role.ORGANISER),
    Role.ADMIN: (Role.MEMBER, Role.ORGANISER, Role.ADMIN),
}


def descriptions() -> dict[str, str]:
    """Each command's menu description, in the current locale."""
    return {
        "contribuer": _("Answer the questions of a theme"),
        "mescontributions": _("See, edit or withdraw my contributions"),
        "profil": _("My profile"),
        "confidentialite": _("Privacy notice"),
        "mesdonnees": _("Download my data"),
        "oubli": _("Erase all my data"),
        "rappels": _("Turn meeting reminders off or on"),
        "aide": _("Help"),
        "digest": _("The digest since my last one, now"),
        "export": _("Download contributions (XLSX or CSV)"),
        "abonnement": _("When my digest comes, and what it covers"),
        "reunions": _("Plan, edit or cancel the regional meetings"),
        "diffuser": _("Send a message to the people registered"),
        "inviter": _("Create a one-time organiser invitation link"),
        "organisateurs": _("List and revoke organisers"),
    }


def commands_of(role: Role) -> tuple[str, ...]:
    return tuple(command for group in ROLE_GROUPS[role] for command in ROLE_COMMANDS[group])


def bot_commands(role: Role, locale: str) -> list[BotCommand]:
    """The menu of `role`, described in `locale`."""
    with use_locale(locale):
        described = descriptions()
        return [BotCommand(command=c, description=described[c]) for c in commands_of(role)]


def _group_title(role: Role) -> str:
    return {
        Role.MEMBER: _("<b>Field staff</b>"),
        Role.ORGANISER: _("<b>Organisers</b>"),
        Role.ADMIN: _("<b>Admins</b>"),
    }[role]


def help_text(role: Role) -> str:
    """`/aide`: what this person can do, grouped by role, in the current locale."""
    described = descriptions()
    parts = [_("<b>Relais: your commands</b>")]
    for group in ROLE_GROUPS[role]:
        lines = [
            _("/{command}: {description}").format(
                command=command, description=_lower_first(described[command])
            )
            for command in ROLE_COMMANDS[group]
            if command != "aide"  # the one being read
        ]
        if len(ROLE_GROUPS[role]) > 1:
            lines.insert(0, _group_title(group))
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _lower_first(text: str) -> str:
    """A menu description inside a sentence ("/profil: my profile"); "XLSX" stays as is."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def access_refused(allowed: tuple[Role, ...]) -> str:
    """Says which role is missing: organiser-level (organisers and admins) or admin-only."""
    if Role.ORGANISER in allowed:
        return _(
            "Sorry, this is reserved for the consultation's organisers. /aide lists the "
            "commands you can use."
        )
    return _(
        "Sorry, this is reserved for the consultation's administrators. /aide lists the "
        "commands you can use."
    )


def names_shown_to_admins() -> str:
    """Said when a person accepts an invitation (and before, while the invitation waits for
    their consent): what of their Telegram account is kept, and who sees it."""
    return _(
        "As an organiser, your Telegram first name and @username will be kept and shown to the "
        "admins, so that they know who is who. They are removed when you stop being an "
        "organiser."
    )


def bot_description() -> str:
    """What Telegram shows in an empty chat with the bot, before /start (512 characters)."""
    return _(
        "Relais collects what field staff have to say for the consultation on the IAE roadmap: "
        "a few questions per theme, answered from your phone, a few minutes at a time. Tap "
        "Start: the privacy notice comes first, and nothing is stored before you accept it."
    )


def bot_short_description() -> str:
    """The bot's profile page and shared links (120 characters)."""
    return _("Contribute from the field to the IAE roadmap consultation, a few minutes at a time.")


def staff_label(user, number: int, *, structure: bool = True) -> str:
    """An organiser or admin as admins see them: "Camille (@camille) · AI du Grésivaudan";
    without a name (captured before this version, or none given), "organiser no. 3", `number`
    being their place in the list. Never the Telegram id. Not escaped."""
    handle = f"@{user.username}" if user.username else None
    if user.display_name and handle:
        label = f"{user.display_name} ({handle})"
    else:
        label = user.display_name or handle or _("organiser no. {number}").format(number=number)
    if structure and user.structure_name:
        label += f" · {user.structure_name}"
    return label


def staff_line(user, number: int) -> str:
    return f"• {escape(staff_label(user, number))}"
