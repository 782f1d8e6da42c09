"""docs/architecture.md lists the dispatcher's middlewares and routers as the code builds them.

The block between the `dispatcher` markers is compared with the production dispatcher: change
the order of a middleware or a router and this test prints the block to paste in the docs.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.app import create_bot, create_dispatcher
from bot.config import load_settings
from bot.devtools.fake_api import FAKE_TOKEN, FakeTelegramSession
from bot.keyboards.callbacks import AnswerAction, ReviewAction
from bot.web.metrics import Metrics
from handlers import contribute
from storage.engine import create_engine, create_session_factory

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
BLOCK = re.compile(r"<!-- dispatcher:start -->\n```text\n(.*?)```\n<!-- dispatcher:end -->", re.S)


def _names(middlewares) -> str:
    return "".join(f"\n  - {type(m).__name__}" for m in middlewares)


def _router_middlewares(router) -> str:
    names = sorted(
        {
            type(middleware).__name__
            for observer in router.observers.values()
            for middleware in (*observer.outer_middleware, *observer.middleware)
        }
    )
    return f" ({', '.join(names)})" if names else ""


def describe_dispatcher() -> str:
    settings = load_settings(database_url="sqlite+aiosqlite:///:memory:", bot_token=None)
    engine = create_engine(settings.database_url)  # never connected: nothing runs here
    dispatcher = create_dispatcher(settings, create_session_factory(engine), metrics=Metrics())
    bot = create_bot(settings, session=FakeTelegramSession(), token=FAKE_TOKEN)
    lines = [
        f"Bot API request middlewares:{_names(bot.session.middleware)}",
        f"update, outer, outermost first:{_names(dispatcher.update.outer_middleware)}",
        f"message, outer:{_names(dispatcher.message.outer_middleware)}",
        f"callback_query, outer:{_names(dispatcher.callback_query.outer_middleware)}",
        "routers, in order (their own middlewares):",
        *(
            f"  {index}. {router.name}{_router_middlewares(router)}"
            for index, router in enumerate(dispatcher.sub_routers, 1)
        ),
    ]
    return "\n".join(lines) + "\n"


def test_the_architecture_doc_lists_the_middlewares_and_routers_in_their_real_order() -> None:
    found = BLOCK.search(DOC.read_text(encoding="utf-8"))
    assert found is not None, "docs/architecture.md has lost its dispatcher block"
    actual = describe_dispatcher()
    assert found.group(1) == actual, f"paste this in docs/architecture.md:\n{actual}"


def test_the_block_names_every_router_module_of_the_handlers_package() -> None:
    modules = {
        path.stem
        for path in (DOC.parents[1] / "handlers").glob("*.py")
        if "\nrouter = Router(name=__name__)" in path.read_text(encoding="utf-8")
    }
    listed = set(re.findall(r"handlers\.(\w+)", describe_dispatcher()))
    assert listed == modules


def test_the_contribution_state_diagram_names_every_answer_and_review_action() -> None:
    diagram = re.search(r"```mermaid\n(stateDiagram-v2.*?)```", contribute.__doc__ or "", re.S)
    assert diagram is not None, "handlers/contribute.py has lost its state diagram"
    missing = [
        f"{type(action).__name__}.{action.name}"
        for action in (*AnswerAction, *ReviewAction)
        if action.name not in diagram.group(1)
    ]
    assert missing == []
