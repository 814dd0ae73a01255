"""The dashboard's web server (aiohttp): a read-only page fed by server-sent events.

Routes:

* ``GET /``: the page (static HTML; scripts and styles are files, never inline);
* ``GET /static/...``: its scripts, styles and the vendored chart library;
* ``GET /api/stream``: server-sent events: ``snapshot`` on connect (every kept
  alert's summary and the trend records), then ``alert``, ``update``,
  ``trend`` and ``status`` as they happen; a comment every 15 s keeps
  proxies from closing it. The browser's EventSource reconnects by itself
  and a reconnect gets a fresh snapshot;
* ``GET /api/alerts/{id}``: one alert with its evidence and article text segments;
* ``GET /api/status``: counts and the consumer's state (no settings, no secrets);
* ``GET /login`` and ``POST /login``: only when a token is set.

Security: binds 127.0.0.1 unless told otherwise, and refuses another address
without ``ESCWATCH_DASHBOARD_TOKEN`` (``--allow-open`` overrides, for a
container published on the host's loopback only). With a token every route
but the login form needs it: ``Authorization: Bearer <token>``, or the session
cookie the login form sets (HttpOnly, SameSite=Strict), or ``?token=`` once,
which sets the cookie and redirects to a clean URL. Without a token the Host
header must name a loopback address (no DNS rebinding). Every response carries
a Content-Security-Policy without inline scripts and the usual hardening headers.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import ipaddress
import json
import logging
import time
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any

from aiohttp import web

from streams import __version__
from streams.config import Settings
from streams.dashboard.follower import Batch, Follower
from streams.dashboard.store import AlertStore, TrendStore

__all__ = ["CSP", "Hub", "check_bind", "create_web_app", "is_loopback", "run"]

log = logging.getLogger("escwatch.dashboard")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
COOKIE = "escwatch_dashboard"
KEEPALIVE_S = 15.0
STATIC = Path(str(resources.files("streams.dashboard") / "static"))


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None, allow_open: bool) -> str | None:
    """Why binding ``host`` is refused, or None when it is fine."""
    if is_loopback(host) or token or allow_open:
        return None
    return (f"refusing to serve the dashboard on {host} without a token: set "
            "ESCWATCH_DASHBOARD_TOKEN (or pass --allow-open when something else guards "
            "the port, e.g. a container published only on the host's loopback)")


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class Hub:
    """The store plus the connected event streams; runs on the event loop."""

    def __init__(self, settings: Settings, capacity: int | None = None) -> None:
        """An empty store sized from the settings."""
        self.settings = settings
        self.store = AlertStore(capacity=capacity or settings.dashboard_history,
                                text_budget=settings.dashboard_text_mb * 1024 * 1024 // 2)
        self.trends = TrendStore()
        self.clients: set[asyncio.Queue[str | None]] = set()
        self.status: dict[str, Any] = {"state": "starting", "detail": "", "history": False}
        self.started = time.time()
        self.history_loaded_at: float | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.follower: Follower | None = None

    # Called from the follower thread: hop onto the loop.
    def from_thread_batch(self, batch: Batch) -> None:
        """Hand a batch to the loop."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.ingest, batch)

    def from_thread_status(self, status: dict[str, Any]) -> None:
        """Hand a status to the loop."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.set_status, status)

    def set_status(self, status: dict[str, Any]) -> None:
        """Record the consumer's state and tell the pages when it changed."""
        if status != self.status:
            self.status = status
            self.broadcast("status", self.status_event())

    def status_event(self) -> dict[str, Any]:
        """The status the pages show."""
        return {**self.status, "alerts": len(self.store),
                "trends_topic": self.settings.topic_trends}

    def ingest(self, batch: Batch) -> None:
        """Apply a batch to the store and push what changed."""
        now = time.time() * 1000.0
        # Texts and analyses first, so alerts of the same batch find them.
        updates: dict[str, dict[str, Any]] = {}
        for obj in batch.articles:
            for s in self.store.add_article(obj):
                updates[s["id"]] = s
        for obj in batch.analyses:
            for s in self.store.add_analysis(obj):
                updates[s["id"]] = s
        for obj, _ts in batch.alerts:
            summary = self.store.add_alert(obj, now)
            if summary is not None:
                updates.pop(summary["id"], None)
                self.broadcast("alert", summary)
        for s in updates.values():
            self.broadcast("update", s)
        for key, value, ts in batch.trends:
            self.broadcast("trend", self.trends.add(key, value, ts))
        if batch.history_done and self.history_loaded_at is None:
            self.history_loaded_at = time.time()
            log.info("dashboard: history read, %d alerts in %.2f s", len(self.store),
                     self.history_loaded_at - self.started)

    def broadcast(self, event: str, data: Any) -> None:
        """Queue one event for every connected page."""
        if not self.clients:
            return
        message = f"event: {event}\ndata: {_dumps(data)}\n\n"
        for queue in list(self.clients):
            if queue.qsize() > 10_000:
                # A page that stopped reading: drop it; its EventSource reconnects.
                queue.put_nowait(None)
                self.clients.discard(queue)
            else:
                queue.put_nowait(message)


# -- auth -----------------------------------------------------------------------------


def _session_value(token: str) -> str:
    # The cookie holds a value derived from the token, never the token itself.
    return hmac.new(token.encode(), b"escwatch-dashboard-session", hashlib.sha256).hexdigest()


def _authorised(request: web.Request, token: str) -> bool:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    cookie = request.cookies.get(COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), _session_value(token).encode())


def _set_session(response: web.StreamResponse, token: str) -> None:
    response.set_cookie(COOKIE, _session_value(token), httponly=True, samesite="Strict",
                        path="/")


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _middleware(token: str | None) -> Any:
    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not token:
            host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") \
                else request.host
            if not is_loopback(host):
                raise web.HTTPForbidden(text="the dashboard answers only to a loopback host name")
        elif request.path != "/login" and not _authorised(request, token):
            given = request.query.get("token", "")
            if given and hmac.compare_digest(given.encode(), token.encode()):
                found = web.HTTPSeeOther(request.path)
                _set_session(found, token)
                raise found
            if request.path.startswith("/api/"):
                raise web.HTTPUnauthorized(text="token required",
                                           headers={"WWW-Authenticate": "Bearer"})
            raise web.HTTPSeeOther("/login")
        return await handler(request)

    return guard


@web.middleware
async def _headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    if request.path.startswith("/api/") or request.path in {"/", "/login"}:
        response.headers["Cache-Control"] = "no-store"
    return response


# -- handlers ---------------------------------------------------------------------------


async def _event_stream(hub: Hub, request: web.Request) -> web.StreamResponse:
    """``/api/stream``: a snapshot, then every update, as server-sent events."""
    response = web.StreamResponse(headers={
        "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store",
        "X-Accel-Buffering": "no"})
    await response.prepare(request)
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    snapshot = {"alerts": hub.store.summaries(), "trends": hub.trends.records(),
                "status": hub.status_event(), "capacity": hub.store.capacity}
    hub.clients.add(queue)
    try:
        await response.write(f"retry: 1000\nevent: snapshot\ndata: {_dumps(snapshot)}\n\n"
                             .encode())
        while True:
            try:
                message = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
            except TimeoutError:
                message = ": keepalive\n\n"
            if message is None:
                break
            chunks = [message]
            while not queue.empty() and len(chunks) < 500:
                more = queue.get_nowait()
                if more is None:
                    break
                chunks.append(more)
            await response.write("".join(chunks).encode())
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        hub.clients.discard(queue)
    return response


def create_web_app(hub: Hub) -> web.Application:
    """The aiohttp application over ``hub``."""
    token = hub.settings.dashboard_token
    app = web.Application(middlewares=[_headers, _middleware(token)],
                          client_max_size=4096)

    async def index(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html",
                                headers={"Content-Type": "text/html; charset=utf-8"})

    async def login_form(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "login.html",
                                headers={"Content-Type": "text/html; charset=utf-8"})

    async def login(request: web.Request) -> web.StreamResponse:
        assert token is not None
        form = await request.post()
        given = str(form.get("token", ""))
        if given and hmac.compare_digest(given.encode(), token.encode()):
            found = web.HTTPSeeOther("/")
            _set_session(found, token)
            raise found
        raise web.HTTPSeeOther("/login?failed=1")

    async def status(request: web.Request) -> web.StreamResponse:
        store = hub.store
        loaded = hub.history_loaded_at
        return web.json_response({
            "version": __version__, **hub.status_event(), "clients": len(hub.clients),
            "rejected": store.rejected, "duplicates": store.duplicates,
            "capacity": store.capacity, "trends": len(hub.trends.records()),
            "history_seconds": None if loaded is None else round(loaded - hub.started, 3),
        }, dumps=_dumps)

    async def alert(request: web.Request) -> web.StreamResponse:
        found = hub.store.detail(request.match_info["alert_id"])
        if found is None:
            raise web.HTTPNotFound(text="no such alert (it may have left the history)")
        return web.json_response(found, dumps=_dumps)

    async def stream(request: web.Request) -> web.StreamResponse:
        return await _event_stream(hub, request)

    app.router.add_get("/", index)
    app.router.add_get("/api/stream", stream)
    app.router.add_get("/api/status", status)
    app.router.add_get("/api/alerts/{alert_id}", alert)
    if token:
        app.router.add_get("/login", login_form)
        app.router.add_post("/login", login)
    app.router.add_static("/static", STATIC, follow_symlinks=False)
    return app


async def _serve(settings: Settings, host: str, port: int, capacity: int | None) -> None:
    hub = Hub(settings, capacity)
    hub.loop = asyncio.get_running_loop()
    follower = Follower(settings, hub.from_thread_batch, hub.from_thread_status,
                        capacity=hub.store.capacity)
    hub.follower = follower
    app = create_web_app(hub)
    runner = web.AppRunner(app, access_log=None, handle_signals=True)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    follower.start()
    shown = f"[{host}]" if ":" in host else host
    print(f"dashboard: http://{shown}:{port}/ following {settings.topic_alerts} on "
          f"{settings.bootstrap_servers}" + (" (token required)" if settings.dashboard_token
                                             else ""), flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        for queue in list(hub.clients):
            queue.put_nowait(None)
        follower.stop(timeout=2)
        await runner.cleanup()


def run(settings: Settings, *, host: str | None = None, port: int | None = None,
        capacity: int | None = None, allow_open: bool = False) -> int:
    """Serve the dashboard until interrupted; returns the exit status."""
    host = host or settings.dashboard_host
    port = settings.dashboard_port if port is None else port
    refused = check_bind(host, settings.dashboard_token, allow_open)
    if refused:
        print(f"escwatch dashboard: error: {refused}", flush=True)
        return 2
    if not is_loopback(host) and not settings.dashboard_token:
        log.warning("dashboard on %s without a token (--allow-open)", host)
    logging.getLogger("escwatch.dashboard").setLevel(logging.INFO)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(settings, host, port, capacity))
    return 0
