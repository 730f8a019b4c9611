"""`medtune serve`: the REST API and the Gradio chat on one port (uvicorn, 127.0.0.1 by default).

medtune never imports gradio (the layering rule), so the full server — FastAPI app plus the Gradio chat — lives
in the repository's `app/server.py` and is imported here by module path, only when the command runs.
`--api-only` serves `medtune.api` alone, without the UI.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from medtune.errors import NotAvailableError
from medtune.settings import PROJECT_ROOT, get_settings


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("serve", help="start the chatbot: REST API + Gradio chat (http://127.0.0.1:8765)",
                              description="Serve POST /api/chat, POST /api/check, GET /api/health and the Gradio "
                                          "chat at /gradio/. Binds 127.0.0.1 unless told otherwise.")
    p.add_argument("--host", help="interface to bind (default: MEDTUNE_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: MEDTUNE_API_PORT, 8765)")
    p.add_argument("--api-only", action="store_true", help="serve the REST API without the Gradio chat")
    p.set_defaults(func=cmd_serve)


def load_app(api_only: bool = False) -> Any:
    """The ASGI app: medtune.api alone, or app/server.py's API + Gradio (imported lazily by module path)."""
    if api_only:
        from medtune.api import create_app

        return create_app()
    if not (PROJECT_ROOT / "app" / "server.py").is_file():
        raise NotAvailableError(f"the chat UI (app/server.py) is not in {PROJECT_ROOT}",
                                hint="run from a medtune checkout, or use `medtune serve --api-only`")
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    return importlib.import_module("app.server").build_app()


def cmd_serve(args: Any) -> int:
    import uvicorn

    settings = get_settings()
    host, port = args.host or settings.host, args.port or settings.api_port
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: binding {host} makes the chatbot reachable from other machines", file=sys.stderr)
    app = load_app(args.api_only)
    print(f"medtune chat server on http://{host}:{port}  (API docs /docs, chat /gradio/)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0
