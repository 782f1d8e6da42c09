"""The sandbox, faithful (issue 13, §5): quiet hours as configured with `:quiet off` for a demo,
every visible message's buttons tappable as `message.button`, edits of older messages shown.
Driven by piped input, the way a script or a newcomer would."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import load_settings
from bot.devtools.sandbox import run_sandbox

PARIS = ZoneInfo("Europe/Paris")
Step = str | Callable[[str], str]


class Script(io.StringIO):
    """Piped input whose next line may depend on the screen so far (`tap("Aperçu")` finds the
    button's `message.button` number there)."""

    def __init__(self, steps: list[Step], screen: io.StringIO) -> None:
        super().__init__()
        self.steps = list(steps)
        self.screen = screen

    def isatty(self) -> bool:
        return False

    def readline(self, *args) -> str:
        if not self.steps:
            return ""
        step = self.steps.pop(0)
        return (step if isinstance(step, str) else step(self.screen.getvalue())) + "\n"


def tap(label: str) -> Callable[[str], str]:
    """`n.b` for the newest button labelled `label` on the screen."""

    def find(screen: str) -> str:
        lines = screen.splitlines()
        for index in range(len(lines) - 1, -1, -1):
            button = re.match(r"   \[(\d+)\] (.*)", lines[index])
            if button and label in button[2]:
                for above in range(index, -1, -1):
                    header = re.match(r"Relais #(\d+)", lines[above])
                    if header:
                        return f"{header[1]}.{button[1]}"
        raise LookupError(label)

    return find


def onboarding(user_id: int) -> list[Step]:
    return [
        f":user {user_id}",
        "/start",
        tap("J'accepte"),
        tap("Association intermédiaire"),
        "AI du Grésivaudan",
        "38",
        tap("(CIP)"),
    ]


def quiet_now() -> str:
    """A QUIET_HOURS window around the present moment in Paris (quiet now, whatever the hour)."""
    now = datetime.now(PARIS)
    return f"{now - timedelta(hours=1):%H:%M}-{now + timedelta(hours=3):%H:%M}"


async def run(tmp_path, steps: list[Step], **settings) -> str:
    config = load_settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/s.sqlite3", **settings)
    screen = io.StringIO()
    await run_sandbox(config, stdin=Script(steps, screen), stdout=screen)
    return screen.getvalue()


async def test_quiet_hours_hold_a_broadcast_until_quiet_off_and_the_old_progress_is_reprinted(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    steps = [
        *onboarding(1002),
        ":user 1001",
        "/diffuser",
        "Réunion à Grenoble le 5 mars",
        tap("Aperçu"),
        tap("Envoyer maintenant"),
        tap("Confirmer"),
        "/aide",  # a newer message: the progress message is now an older one
        ":quiet off",
    ]
    screen = await run(tmp_path, steps, quiet_hours=quiet_now())

    banner, _, session = screen.partition("vous › ")
    assert (
        "quiet hours on as configured" in banner
        and "It is quiet now" in banner
        and ":quiet off" in banner
    )
    assert ":quiet off|on" in banner  # in the help
    held, _, demo = session.partition("vous › :quiet off")
    assert "(quiet hours: messages wait in the outbox until" in held
    assert held.count("(quiet hours: messages wait") == 1  # said once, not after every input
    assert "(to person 1002)" not in held.split("vous › /diffuser")[1]  # nothing at night

    assert "(quiet hours off for this session" in demo
    assert "(to person 1002)" in demo and "Réunion à Grenoble le 5 mars" in demo
    # The progress message, older than /aide's answer, is printed again with its number.
    progress = re.search(r"Relais #(\d+) \(edited\) › 📣 Diffusion n°\u00a01 en cours", held)
    assert progress, held
    assert re.search(r"Relais #\d+ › .*/contribuer", held.split("vous › /aide")[1], re.DOTALL)
    assert re.search(rf"Relais #{progress[1]} \(edited\) › ✅", demo), demo
    assert re.search(r":tick \+\d+h to get there", held)


async def test_quiet_hours_off_from_the_start_lets_the_broadcast_go_at_once(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    steps = [
        *onboarding(1002),
        ":user 1001",
        ":quiet off",
        "/diffuser",
        "Bonjour",
        tap("Aperçu"),
        tap("Envoyer maintenant"),
        tap("Confirmer"),
        ":quiet on",
        ":quiet",
        ":quiet maybe",
    ]
    screen = await run(tmp_path, steps, quiet_hours=quiet_now())
    assert "(to person 1002)" in screen.split("vous › :quiet on")[0].split("vous › /diffuser")[1]
    assert "messages wait in the outbox" not in screen
    after = screen.split("vous › :quiet on")[1]
    assert (
        after.count("(quiet hours on as configured:") == 3
    )  # :quiet on, :quiet, and the wrong word
    assert "(:quiet off switches quiet hours off for a demo; :quiet on again)" in after


async def test_buttons_of_any_visible_message_are_tapped_as_message_dot_button(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    steps = [
        *onboarding(1001),
        "/profil",
        "/aide",
        lambda screen: tap("Mon profil")(screen.split("vous › /profil")[0]),  # the older one
        "99.1",  # no such message
        "1.1",  # the welcome has no buttons
        "9.9",
        ":user 1002",
        "5.1",  # someone else's message
        ":user 1001",
        "2",  # a bare number: the last message with buttons, else text
    ]
    screen = await run(tmp_path, steps)
    numbers = [int(n) for n in re.findall(r"^Relais #(\d+) ›", screen, flags=re.MULTILINE)]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)  # unique, in order

    older = re.search(
        r"vous › (\d+\.\d+)\n((?:(?!vous ›).)*)\nvous › 99\.1", screen, flags=re.DOTALL
    )
    assert older and "👤 Votre profil" in older[2] and "expiré" not in older[2], screen
    menu = re.search(r"Relais #(\d+) › ✅ Merci, votre profil est prêt", screen)
    assert menu and older[1].startswith(f"{menu[1]}.")  # a button of an older message
    assert "(no message #99 on screen" in screen and ":text 99.1 sends it as text" in screen
    assert "(message #1 has no buttons now; :text 1.1 sends it as text)" in screen
    assert re.search(r"\(message #9 has \d+ button\(s\); :text 9\.9", screen)
    assert "(message #5 was sent to person 1001: :user 1001 first)" in screen
    bare = screen.split("vous › :user 1001\n(you are now person 1001)\nvous › 2\n")[1]
    assert "Dans quel type de structure" in bare  # button 2 of the profile, the last with buttons
