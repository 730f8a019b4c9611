"""The chat server: medtune's REST API with the Gradio chat mounted at /gradio (one port, uvicorn).

`medtune serve` imports this module from the package's own path (medtune itself never imports gradio). No share
links (we never call `launch`), no file serving, no uploads: Gradio gets no allowed paths, and medtune.rest_api's
Guard answers 404 to Gradio's upload and file routes before Gradio sees them — the chat takes text only (issue
20.5). The Guard also spends one rate-limit quota per client on the Gradio calls that run the chat and on
/api/chat alike, and applies the Host allow-list and the body cap to every path.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
from fastapi.responses import RedirectResponse

from app.chat_ui import CSS, build_demo
from medtune.rest_api import create_app

GRADIO_PATH = "/gradio"
GRADIO_API = f"{GRADIO_PATH}/gradio_api"
#: Routes the chat does not need, through which Gradio would take or hand out files (or fetch URLs).
BLOCKED = [f"{GRADIO_API}/{route}" for route in ("upload", "file=", "file/", "proxy=", "stream/", "process_recording",
                                                 "runs", "run-history", "vibe-", "undo-vibe-", "mcp")]
BLOCKED.append(f"{GRADIO_PATH}/monitoring")
#: Routes that run an event handler (the chat's answer): they share the REST API's per-client quota.
RATE_LIMITED = [f"{GRADIO_API}/{route}" for route in ("queue/join", "run/", "api/", "call/", "component_server")]


def build_app(warmup: bool = False, host: str | None = None) -> Any:
    app = create_app(warmup=warmup, host=host)
    app.state.guard.blocked.extend(BLOCKED)
    app.state.guard.rate_limited.extend(RATE_LIMITED)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(f"{GRADIO_PATH}/")

    return gr.mount_gradio_app(app, build_demo(app.state.warmup), path=GRADIO_PATH, css=CSS, allowed_paths=[], ssr_mode=False,
                               mcp_server=False, footer_links=[])


def main() -> None:
    import uvicorn

    from medtune.settings import get_settings

    settings = get_settings()
    uvicorn.run(build_app(), host=settings.host, port=settings.api_port, log_level="warning", proxy_headers=False)


if __name__ == "__main__":
    main()
