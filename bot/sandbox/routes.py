"""The stand-in's HTTP side: aiohttp routes for the Web API, file uploads and response URLs."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import time
from typing import TYPE_CHECKING

from aiohttp import BodyPartReader, web

from bot.sandbox.records import JSON, ApiCall, SlackError
from bot.sandbox.webapi import WebApi

if TYPE_CHECKING:
    from bot.sandbox.server import SlackStandIn


async def read_args(request: web.Request) -> JSON:
    """A Web API call's arguments: the query string, then a JSON or form-encoded body."""
    args: JSON = dict(request.query)
    if request.method != "POST" or not request.body_exists:  # read once, kept (a front may)
        return args
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise SlackError("invalid_json") from None
        if isinstance(body, dict):
            args.update(body)
    else:
        form = await request.post()
        args.update({k: v for k, v in form.items() if isinstance(v, str)})
    return args


class Routes:
    """Answers HTTP requests for `standin`, with faults, auth and a record of every call."""

    def __init__(self, standin: SlackStandIn) -> None:
        self.standin = standin
        self.webapi = WebApi(standin)
        self.handlers = self.webapi.handlers()

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024**2)
        app.router.add_route("*", "/api/{method}", self.api)
        app.router.add_post("/upload/{file_id}", self.upload)
        app.router.add_post("/response/{rid}", self.response)
        app.router.add_get("/link/", self.standin.socket.handle)
        app.router.add_get("/oauth/v2/authorize", self.standin.oauth.authorize)
        return app

    async def api(self, request: web.Request) -> web.Response:
        s = self.standin
        method = request.match_info["method"]
        args: JSON = {}
        status, headers = 200, {}
        delay, fault = s.faults.take(method)
        if delay:
            await asyncio.sleep(delay)
        try:
            args = await read_args(request)
            auth = request.headers.get("Authorization", "")
            token = auth[7:] if auth.startswith("Bearer ") else None
            token = token or args.pop("token", None)
            args.pop("token", None)
            if fault is not None and fault.kind == "rate_limited":
                status, headers = 429, {"Retry-After": str(fault.retry_after)}
                raise SlackError("ratelimited")
            if fault is not None and fault.kind == "server_error":
                status = fault.status
                raise SlackError("internal_error" if fault.status == 500 else "service_unavailable")
            if method == "apps.connections.open":  # the one method of the app-level token
                body = {"ok": True, **s.socket.open_url(token)}
                s.calls.append(ApiCall(method, args, body, time.time(), status))
                return web.json_response(body, status=status, headers=headers)
            if method == "oauth.v2.access":  # the app's client credentials, no token
                if auth.startswith("Basic "):  # as slack_sdk sends them; or in the body
                    with contextlib.suppress(ValueError):
                        pair = base64.b64decode(auth[6:]).decode()
                        args["client_id"], _, args["client_secret"] = pair.partition(":")
                body = {"ok": True, **s.oauth.access(args)}
                s.calls.append(ApiCall(method, args, body, time.time(), status))
                return web.json_response(body, status=status, headers=headers)
            if not token:
                raise SlackError("not_authed")
            if token in s.revoked:
                raise SlackError("token_revoked")
            if token not in s.tokens:
                raise SlackError("invalid_auth")
            handler = self.handlers.get(method)
            if handler is None:
                raise SlackError("unknown_method", req_method=method)
            if fault is not None and fault.error:
                raise SlackError(fault.error)
            if method in ("views.update", "views.push") and isinstance(args.get("view_id"), str):
                await s.view_settled(args["view_id"])
            body = {"ok": True, **handler(args)}
            if fault is not None and fault.kind == "slow_answer":
                s.calls.append(ApiCall(method, args, body, time.time(), status))
                await asyncio.sleep(fault.delay)
                return web.json_response(body, status=status, headers=headers)
        except SlackError as err:
            body = {"ok": False, "error": err.error, **err.extra}
        s.calls.append(ApiCall(method, args, body, time.time(), status))
        return web.json_response(body, status=status, headers=headers)

    async def upload(self, request: web.Request) -> web.Response:
        stored = self.standin.files.get(request.match_info["file_id"])
        if stored is None:
            return web.Response(status=404, text="file_not_found")
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            part = await reader.next()
            content = await part.read() if isinstance(part, BodyPartReader) else b""
        else:
            content = await request.read()
        stored.content = bytes(content)
        return web.Response(text=f"OK - {len(content)}", content_type="text/plain")

    async def response(self, request: web.Request) -> web.Response:
        s = self.standin
        entry = s.response_url_entry(request.match_info["rid"])
        try:
            body = await request.json()
        except ValueError:
            body = None
        if entry is not None and (
            entry.uses >= s.response_url_uses
            or time.monotonic() - entry.created > s.response_url_ttl
        ):
            entry = None
        status, answer, problems = self.webapi.respond(entry, body)
        result: JSON = {"ok": True} if status == 200 else {"ok": False, "error": answer}
        if problems:
            result["errors"] = problems
        args = body if isinstance(body, dict) else {}
        s.calls.append(ApiCall("response_url", args, result, time.time(), status))
        return web.Response(status=status, text=answer)
