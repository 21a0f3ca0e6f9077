"""The website chat: Rasa's socket.io channel made safe for a survivor's browser.

Differences from ``rasa.core.channels.socketio.SocketIOInput``:

* Session ids are issued by the server: 128 random bits plus an HMAC signature, so a browser
  can neither pick an id nor guess another one. A browser that reconnects presents its id
  again (kept only in ``sessionStorage``); an id without a valid signature gets a new session.
  Every socket is bound to one session, and messages always use the bound id — a
  ``session_id`` inside a message is ignored, so one browser cannot write to or read from
  another's conversation.
* Cross-origin access is limited to ``allowed_origins`` (same origin only when empty);
  Rasa's own channel allows every origin.
* Quick exit erases the conversation on the server: ``POST /webhooks/socketio/erase`` with the
  session id as the (text/plain) body, sent by ``navigator.sendBeacon`` so leaving the page is
  never delayed. Only the holder of an id can erase it; the erase waits for a message still
  being handled, so none of its events outlive the erase.
* The chat page in ``web/`` is served at ``/chat/`` (``static_dir``), with the quick-exit
  address from ``exit_url``, a strict Content-Security-Policy, ``no-store`` and
  ``no-referrer`` (the neutral site never learns where the visitor came from).
* Client-supplied metadata is dropped; a message over 2,000 characters (the page's own limit)
  is answered with the calm "please write briefly" reply without reaching Rasa
  (``safety/message_bounds.py``); a socket.io packet is at most 64 KiB.

credentials.yml:

    channels.socketio_web.SafeSocketIOInput:
      allowed_origins: ["https://hotline.example.by"]   # sites that embed the chat
      exit_url: "https://www.google.com/"               # where quick exit goes
      static_dir: web                                   # serve the page at /chat/ (optional)

The signing key comes from ``WEB_SESSION_SECRET`` or, when unset, from ``var/web-session.key``
(created once, mode 600), so sessions survive a server restart.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import logging
import mimetypes
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from safety.erase import erase_conversation
from safety.message_bounds import over_long, reply_language, too_long_reply

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_EXIT_URL = "https://www.google.com/"
SESSION_RE = re.compile(r"^[0-9a-f]{32}\.[0-9a-f]{32}$")
STATIC_FILES = re.compile(r"^[a-z0-9_-]+\.(html|js|css|svg|ico)$")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def load_secret() -> bytes:
    env = os.environ.get("WEB_SESSION_SECRET")
    if env:
        return env.encode()
    path = REPO / "var" / "web-session.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another server process created it just now
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    for _ in range(50):
        secret = path.read_text().strip()
        if secret:
            return secret.encode()
        time.sleep(0.02)  # the other process is still writing it
    raise RuntimeError(f"{path} is empty: delete it or set WEB_SESSION_SECRET")


class SessionIds:
    """Unguessable, server-signed conversation ids: ``<32 hex random>.<32 hex HMAC>``."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _sign(self, token: str) -> str:
        return hmac.new(self.secret, token.encode(), hashlib.sha256).hexdigest()[:32]

    def new(self) -> str:
        token = secrets.token_hex(16)
        return f"{token}.{self._sign(token)}"

    def valid(self, session_id: Any) -> bool:
        if not isinstance(session_id, str) or not SESSION_RE.match(session_id):
            return False
        token, signature = session_id.split(".")
        return hmac.compare_digest(signature, self._sign(token))


class SafeBlueprint(SocketBlueprint):
    def __init__(self, *args: Any, static_routes: Optional[Callable[[Sanic], None]] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ctx.static_routes = static_routes

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        self.ctx.app = app  # the agent, for the language of a reply given without Rasa
        if self.ctx.static_routes:
            self.ctx.static_routes(app)
        super().register(app, options)


class SafeSocketIOInput(SocketIOInput):
    """See the module docstring."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(
            allowed_origins=credentials.get("allowed_origins") or [],
            exit_url=credentials.get("exit_url") or DEFAULT_EXIT_URL,
            static_dir=credentials.get("static_dir"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
        )

    def __init__(
        self,
        allowed_origins: Optional[List[Text]] = None,
        exit_url: Text = DEFAULT_EXIT_URL,
        static_dir: Optional[Text] = None,
        socketio_path: Text = "/socket.io",
    ) -> None:
        super().__init__(session_persistence=True, socketio_path=socketio_path)
        if isinstance(allowed_origins, str):
            allowed_origins = [allowed_origins]
        self.allowed_origins = [o.rstrip("/") for o in allowed_origins or []]
        if not re.match(r"^https?://", exit_url):
            raise ValueError("exit_url must be an http(s) address")
        self.exit_url = exit_url
        self.static_dir = (
            (REPO / static_dir) if static_dir and not os.path.isabs(static_dir) else (Path(static_dir) if static_dir else None)
        )
        self.ids = SessionIds(load_secret())

    # -- origin -----------------------------------------------------------------------------
    def origin_allowed(self, request: Request) -> bool:
        origin = request.headers.get("origin")
        if not origin or origin == "null":
            return origin is None
        own = f"{request.scheme}://{request.host}"
        return origin.rstrip("/") in self.allowed_origins + [own]

    # -- the page ---------------------------------------------------------------------------
    def add_static_routes(self, app: Sanic) -> None:
        root = self.static_dir
        if root is None:
            return
        exit_attr = html.escape(self.exit_url, quote=True)

        def serve(name: str) -> HTTPResponse:
            if not STATIC_FILES.match(name) or not (root / name).is_file():
                return response.text("not found", status=404)
            body = (root / name).read_bytes()
            if name.endswith(".html"):
                body = body.replace(f'"{DEFAULT_EXIT_URL}"'.encode(), f'"{exit_attr}"'.encode())
            headers = {
                "Content-Security-Policy": CSP,
                "Referrer-Policy": "no-referrer",
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            }
            ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            if ctype.startswith("text/") or ctype.endswith("javascript"):
                ctype += "; charset=utf-8"
            return response.raw(body, headers=headers, content_type=ctype)

        async def index(_: Request) -> HTTPResponse:
            return serve("index.html")

        async def asset(_: Request, name: str) -> HTTPResponse:
            return serve(name)

        async def to_index(_: Request) -> HTTPResponse:
            return response.redirect("/chat/")

        app.add_route(to_index, "/chat", methods=["GET"], name="dv_chat_redirect", strict_slashes=True)
        app.add_route(index, "/chat/", methods=["GET"], name="dv_chat_index", strict_slashes=True)
        app.add_route(asset, "/chat/<name:str>", methods=["GET"], name="dv_chat_asset")

    def socket_origin_allowed(self, origin: str, environ: Dict[str, Any]) -> bool:
        """For python-engineio, which asks only when a request has an Origin. A plain list
        would allow just the listed sites and refuse the chat's own page at /chat/; this is
        engineio's own same-origin test (Host, or X-Forwarded-Proto/-Host behind a proxy) plus
        ``allowed_origins``. engineio asks for every request; one without an Origin header comes
        from no web page (browsers send it on every cross-origin request), so it is allowed, as
        engineio allows it; a page's "null" origin is not."""
        if origin is None:
            return True
        scheme, host = environ.get("wsgi.url_scheme", "http"), environ.get("HTTP_HOST", "")
        own = {f"{scheme}://{host}"}
        if "HTTP_X_FORWARDED_PROTO" in environ or "HTTP_X_FORWARDED_HOST" in environ:
            proto = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
            forwarded = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
            own.add(f"{proto}://{forwarded}")
        return origin.rstrip("/") in own.union(self.allowed_origins)

    # -- socket.io --------------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.socket_origin_allowed, max_http_buffer_size=64 * 1024)
        self.sio = sio
        blueprint = SafeBlueprint(sio, self.socketio_path, "socketio_webhook", __name__, static_routes=self.add_static_routes)
        ids = self.ids

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/erase", methods=["POST"])
        async def erase(request: Request) -> HTTPResponse:
            if not self.origin_allowed(request):
                return response.json({"error": "origin"}, status=403)
            session_id = (request.body or b"")[:200].decode("utf-8", "replace").strip()
            if not ids.valid(session_id):
                return response.json({"error": "session"}, status=400)
            await erase_conversation(request.app.ctx.agent, session_id)
            await sio.close_room(session_id)
            return response.json({"erased": True})

        @sio.on("connect")
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            return True

        @sio.on("session_request")
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            wanted = (data or {}).get("session_id") if isinstance(data, dict) else None
            session_id = wanted if ids.valid(wanted) else ids.new()
            previous = (await sio.get_session(sid)).get("session_id")
            if previous and previous != session_id:
                await sio.leave_room(sid, previous)
            await sio.save_session(sid, {"session_id": session_id})
            await sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: Text, data: Any) -> None:
            session_id = (await sio.get_session(sid)).get("session_id")
            if not session_id or not isinstance(data, dict):
                return  # no session_request yet: ignore, never fall back to a client-given id
            text = data.get("message")
            if not isinstance(text, str) or not text.strip():
                return
            output = SocketIOOutput(sio, self.bot_message_evt)
            if over_long(text):  # answered here: the text never reaches Rasa
                lang = await reply_language(blueprint.ctx.app.ctx.agent, session_id, text)
                await output.send_text_message(session_id, too_long_reply(lang))
                return
            message = UserMessage(text, output, session_id, input_channel=self.name(), metadata={})
            await on_new_message(message)

        return blueprint
