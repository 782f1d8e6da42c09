"""What the bot sets up at start: the command menu in both languages, the Bot API address."""

from __future__ import annotations

from aiogram.methods import SetMyCommands

from bot.app import create_bot, set_bot_commands
from bot.config import load_settings


async def test_command_menu_is_set_in_french_and_english_when_bot_starts(app) -> None:
    await set_bot_commands(app.bot)

    calls = [r for r in app.fake.requests if isinstance(r, SetMyCommands)]
    assert [c.language_code for c in calls] == [None, "fr", "en"]
    assert calls[0].commands == calls[1].commands  # the default is French
    french = {c.command: c.description for c in calls[1].commands}
    english = {c.command: c.description for c in calls[2].commands}
    assert (
        list(french)
        == list(english)
        == [
            "contribuer",
            "mescontributions",
            "profil",
            "confidentialite",
            "mesdonnees",
            "oubli",
            "rappels",
            "aide",
        ]
    )
    assert french["oubli"] == "Effacer toutes mes données"
    assert english["oubli"] == "Erase all my data"


async def test_command_menu_is_set_in_every_language_of_locales_when_a_third_exists(
    app, monkeypatch
) -> None:
    monkeypatch.setattr("bot.app.SUPPORTED_LOCALES", ("en", "fr", "de"))
    await set_bot_commands(app.bot, "en")

    calls = [r for r in app.fake.requests if isinstance(r, SetMyCommands)]
    assert [c.language_code for c in calls] == [None, "en", "fr", "de"]
    assert calls[0].commands[-1].description == "Help"  # the default menu, in English
    assert calls[2].commands[-1].description == "Aide"


def test_bot_talks_to_the_configured_api_server_when_telegram_api_url_is_set() -> None:
    settings = load_settings(
        bot_token="123:abc",
        telegram_api_url="http://127.0.0.1:8081/",
        database_url="sqlite+aiosqlite:///x",
    )
    bot = create_bot(settings)
    assert bot.session.api.api_url(token="123:abc", method="getMe") == (
        "http://127.0.0.1:8081/bot123:abc/getMe"
    )


async def test_shutdown_waits_for_an_update_still_being_handled(app) -> None:
    import asyncio

    from tests.helpers import joined

    class SlowTelegram(type(app.fake)):
        async def make_request(self, bot, method, timeout=None):
            await asyncio.sleep(0.2)  # a slow Bot API call in the middle of a handler
            return await super().make_request(bot, method, timeout)

    slow = SlowTelegram()
    app.bot.session = slow
    person = app.person()
    person.session = slow
    handling = asyncio.create_task(person.send("/aide"))
    await asyncio.sleep(0.05)
    in_flight = app.dispatcher["in_flight"]
    assert in_flight.active == 1
    assert await in_flight.wait_idle(timeout=5) == 1
    assert handling.done() and "/contribuer" in joined(handling.result())
