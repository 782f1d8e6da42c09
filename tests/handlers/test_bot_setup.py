"""What the bot sets up at start: the command menu in both languages, the Bot API address."""

from __future__ import annotations

from aiogram.methods import SetMyCommands

from bot.app import create_bot, set_bot_commands
from bot.config import load_settings


async def test_command_menu_is_set_in_french_and_english_when_bot_starts(app) -> None:
    await set_bot_commands(app.bot)

    calls = [r for r in app.fake.requests if isinstance(r, SetMyCommands)]
    assert [c.language_code for c in calls] == [None, "en"]
    french = {c.command: c.description for c in calls[0].commands}
    english = {c.command: c.description for c in calls[1].commands}
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
