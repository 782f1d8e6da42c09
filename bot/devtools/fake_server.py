"""A local HTTP stand-in for the Telegram Bot API, for benchmarks and load tests on loopback.

It answers `POST /bot<token>/<method>` the way Telegram does (`{"ok": true, "result": ...}`): a
Message for send*/edit* methods, `true` otherwise. It keeps counters (per method, and messages
per chat, to spot duplicates) at `GET /stats`, and can answer a share of sends with 429.

    python -m bot.devtools.fake_server --port 8081 [--fail-429 0.05] [--retry-after 1]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import time
from collections import Counter
from typing import Any

from aiohttp import web

BOT_USER = {"id": 424242, "is_bot": True, "first_name": "Relais", "username": "relais_fake_bot"}


def create_app(fail_429: float = 0.0, retry_after: int = 1, seed: int = 7) -> web.Application:
    app = web.Application()
    message_ids = itertools.count(1)
    calls: Counter[str] = Counter()
    per_chat: Counter[int] = Counter()
    chance = random.Random(seed)
    webhook: dict[str, Any] = {}  # what setWebhook registered (url, secret_token, ...)
    # Per chat, what the bot sent or edited, for load tests that play users (GET /wait).
    events: dict[int, list[dict[str, Any]]] = {}
    arrived: dict[int, asyncio.Event] = {}

    async def handle(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        calls[method] += 1
        params = await _params(request)
        lowered = method.lower()
        if lowered.startswith("send") and fail_429 and chance.random() < fail_429:
            calls["429"] += 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                },
                status=429,
            )
        if lowered.startswith("send") and "chat_id" in params:
            per_chat[int(params["chat_id"])] += 1
        message_id = next(message_ids)
        if lowered.startswith(("send", "edit")) and "chat_id" in params:
            chat = int(params["chat_id"])
            events.setdefault(chat, []).append(
                {
                    "at": time.time(),
                    "method": method,
                    "message_id": int(params.get("message_id") or message_id),
                    "text": params.get("text"),
                    "reply_markup": params.get("reply_markup"),
                }
            )
            arrived.setdefault(chat, asyncio.Event()).set()
        result: Any = True
        if lowered == "setwebhook":
            webhook.clear()
            webhook.update(params)
        if lowered == "getupdates":  # long polling with nothing to deliver
            await asyncio.sleep(min(float(params.get("timeout") or 0), 1.0))
            result = []
        elif lowered == "getme":
            result = BOT_USER
        elif lowered.startswith(("send", "edit")) and "chat_id" in params:
            result = {
                "message_id": int(params.get("message_id") or message_id),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
                "text": str(params.get("text", "")),
            }
        return web.json_response({"ok": True, "result": result})

    async def stats(_request: web.Request) -> web.Response:
        return web.json_response(
            {
                "methods": dict(calls),
                "chats": {str(k): v for k, v in per_chat.items()},
                "webhook": webhook,
            }
        )

    async def wait(request: web.Request) -> web.Response:
        """What chat N received after its first `after` events, once `settle` seconds pass
        without another one (or `timeout`): a simulated user reading their screen."""
        chat = int(request.match_info["chat"])
        after = int(request.query.get("after", 0))
        settle = float(request.query.get("settle", 0.05))
        deadline = time.monotonic() + float(request.query.get("timeout", 30))
        while time.monotonic() < deadline:
            event = arrived.setdefault(chat, asyncio.Event())
            event.clear()  # before counting: a message arriving in between sets it again
            seen = len(events.get(chat, []))
            if seen > after:
                try:
                    await asyncio.wait_for(event.wait(), settle)
                    continue  # another message came: keep waiting for quiet
                except TimeoutError:
                    break
            try:
                await asyncio.wait_for(event.wait(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                break
        received = events.get(chat, [])
        return web.json_response(
            {
                "count": len(received),
                "first_at": received[after]["at"] if len(received) > after else None,
                "keyboards": [e for e in received[after:] if e["reply_markup"]],
            }
        )

    app.router.add_post("/bot{token}/{method}", handle)
    app.router.add_get("/stats", stats)
    app.router.add_get("/wait/{chat}", wait)
    return app


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        return await request.json()
    form = await request.post()
    params: dict[str, Any] = {}
    for key, value in form.items():
        params[key] = value if isinstance(value, str) else "<file>"
    if isinstance(params.get("reply_markup"), str):
        params["reply_markup"] = json.loads(params["reply_markup"])
    return params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--fail-429", type=float, default=0.0, help="share of sends refused")
    parser.add_argument("--retry-after", type=int, default=1)
    args = parser.parse_args()
    app = create_app(args.fail_429, args.retry_after)
    web.run_app(app, host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
