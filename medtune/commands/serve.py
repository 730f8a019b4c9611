"""`medtune serve`: the REST API and the Gradio chat on one port (uvicorn, 127.0.0.1 by default).

medtune never imports gradio (the layering rule), so the full server — FastAPI app plus the Gradio chat — is
the UI layer's `app/server.py`, found next to the package (`PROJECT_ROOT/app`) and imported only when the
command runs. Only that folder is made importable, as the package `app` — the checkout is not put on sys.path —
and where it is missing (medtune installed without its UI) the command says so and `--api-only` still serves
`medtune.rest_api` alone. At start-up the chat's models load in a background thread (GET /api/health shows
`warmup`), so the port is open at once and the first answer does not wait on them.
"""

from __future__ import annotations

import importlib
import socket
import sys
import types
from typing import Any

from medtune.errors import ConfigError, NotAvailableError
from medtune.settings import PROJECT_ROOT, get_settings, is_loopback, split_names

UI_DIR = PROJECT_ROOT / "app"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("serve", help="start the chatbot: REST API + Gradio chat (http://127.0.0.1:8765)",
                              description="Serve POST /api/chat, POST /api/check, GET /api/health and the Gradio "
                                          "chat at /gradio/. Binds 127.0.0.1 unless told otherwise; "
                                          "docs/SECURITY.md says how to expose it safely.")
    p.add_argument("--host", help="interface to bind (default: MEDTUNE_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port, 1-65535 (default: MEDTUNE_API_PORT, 8765)")
    p.add_argument("--api-only", action="store_true", help="serve the REST API without the Gradio chat")
    p.add_argument("--no-warmup", action="store_true", help="do not load the chat's models at start-up")
    p.set_defaults(func=cmd_serve)


def import_ui_server() -> types.ModuleType:
    """`app/server.py` of the UI layer, imported as `app.server` with only `app/` made importable."""
    if not (UI_DIR / "server.py").is_file():
        raise NotAvailableError(f"the chat UI (app/server.py) is not beside this medtune ({UI_DIR} is missing)",
                                hint="install medtune from its repository (pip install -e .), or serve the REST "
                                     "API alone: medtune serve --api-only")
    loaded = sys.modules.get("app")
    if loaded is None:
        package = types.ModuleType("app", "medtune's UI layer (Streamlit pages, the Gradio chat)")
        package.__path__ = [str(UI_DIR)]  # a namespace package of exactly this folder
        sys.modules["app"] = package
    elif str(UI_DIR) not in [str(p) for p in getattr(loaded, "__path__", [])]:
        raise NotAvailableError(f"another module named 'app' is already loaded ({loaded!r})",
                                hint="run medtune serve from another directory, or use --api-only")
    return importlib.import_module("app.server")


def load_app(api_only: bool = False, warmup: bool = False, host: str | None = None) -> Any:
    """The ASGI app: medtune.rest_api alone, or app/server.py's API + Gradio; `host` is the bound address."""
    if api_only:
        from medtune.rest_api import create_app

        return create_app(warmup=warmup, host=host)
    return import_ui_server().build_app(warmup=warmup, host=host)


def check_port(host: str, port: int) -> None:
    """Fail in a second with one line — not after the banner — when the address cannot be listened on."""
    if not 1 <= port <= 65535:
        raise ConfigError(f"--port {port} is not a TCP port (1-65535)", hint="e.g. medtune serve --port 8765")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ConfigError(f"--host {host}: not an address of this machine ({exc.strerror})",
                          hint="use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)") from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind(address)
        except OSError as exc:
            raise NotAvailableError(f"cannot listen on {host}:{port}: {exc.strerror}",
                                    hint=f"is another server using port {port}? pick another with --port") from None


def cmd_serve(args: Any) -> int:
    settings = get_settings()
    host, port = args.host or settings.host, args.port if args.port is not None else settings.api_port
    check_port(host, port)
    if not is_loopback(host):
        print(f"warning: binding {host} makes the chatbot reachable from other machines, without a login; put it "
              "behind a reverse proxy with authentication (docs/SECURITY.md)", file=sys.stderr)
        if not settings.allowed_hosts:
            print("warning: only requests for localhost / 127.0.0.1 / the bound address are answered; list the "
                  "server's names in MEDTUNE_ALLOWED_HOSTS", file=sys.stderr)
    app = load_app(args.api_only, warmup=not args.no_warmup, host=host)
    import uvicorn

    proxies = split_names(settings.trusted_proxies)
    print(f"medtune chat server on http://{host}:{port}  (API docs /docs, chat /gradio/)", flush=True)
    # uvicorn believes X-Forwarded-For from 127.0.0.1 by default, which let any local client pick its own rate
    # limit key (issue 19.3): forwarded headers count only from the proxies configured here.
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=bool(proxies),
                forwarded_allow_ips=proxies or None)
    return 0
