"""The router tree.

Order matters (the list below; docs/architecture.md shows it, checked by a test): commands and
buttons first (onboarding, then the admin, meetings, broadcasts and organiser routers, my data,
contribute), so a command always wins over "a text message answers the question in focus" and
over contribute's "unknown command" reply; the admin and organiser routers check roles on the
server side (`RequireRole` refuses and logs). Membership (the person blocked or unblocked the
bot) comes next; the errors router comes last because its callback handler catches every button
nobody else recognised (stale or forged).
Every router only listens to private chats: messages in groups and channels are ignored.
"""

from __future__ import annotations

from aiogram import Router

from handlers import (
    admin,
    broadcasts,
    contribute,
    errors,
    meetings,
    membership,
    my_data,
    onboarding,
    organiser,
)
from handlers.filters import in_private_chat

_MODULES = (
    onboarding,
    admin,
    meetings,
    broadcasts,
    organiser,
    my_data,
    contribute,
    membership,
    errors,
)


def get_routers() -> list[Router]:
    """Fresh routers on each call: aiogram attaches a router to one dispatcher only, and the
    tests, the sandbox and production each build their own dispatcher."""
    routers = []
    for module in _MODULES:
        router = _copy(module.router)
        router.message.filter(in_private_chat)
        router.callback_query.filter(in_private_chat)
        routers.append(router)
    return routers


def _copy(template: Router) -> Router:
    router = Router(name=template.name)
    for event_name, observer in template.observers.items():
        copy = router.observers[event_name]
        copy.handlers.extend(observer.handlers)
        for middleware in observer.middleware:
            copy.middleware(middleware)
        for middleware in observer.outer_middleware:
            copy.outer_middleware(middleware)
    return router
