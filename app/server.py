"""The chat server: medtune's REST API with the Gradio chat mounted at /gradio (one port, uvicorn).

`medtune serve` imports this module by path (medtune itself never imports gradio). No share links (we never
call `launch`), no file serving: Gradio gets no allowed paths, and the API serves JSON only.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
from fastapi.responses import RedirectResponse

from app.chat_ui import CSS, build_demo
from medtune.api import create_app

GRADIO_PATH = "/gradio"


def build_app() -> Any:
    app = create_app()

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(f"{GRADIO_PATH}/")

    return gr.mount_gradio_app(app, build_demo(), path=GRADIO_PATH, css=CSS, allowed_paths=[], ssr_mode=False,
                               mcp_server=False, footer_links=[])


def main() -> None:
    import uvicorn

    from medtune.settings import get_settings

    settings = get_settings()
    uvicorn.run(build_app(), host=settings.host, port=settings.api_port, log_level="warning")


if __name__ == "__main__":
    main()
