"""Chatbot: the Gradio chat served by `medtune serve`, shown in an iframe; starts the server if it is down."""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # a page run on its own (AppTest.from_file) still finds app.ui
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from app import ui  # noqa: E402
from medtune.chat import service  # noqa: E402
from medtune.errors import MedtuneError  # noqa: E402

# Tall enough for the whole chat column — conversation (≤ 460 px), question, the answer check with its
# sources, examples — so nothing needs scrolling inside the frame (issue 17: at 1000 px the sources were cut
# off). The Gradio app is another origin, so the frame cannot size itself to its content.
FRAME_HEIGHT = 1650

st.title("Chatbot")
st.caption("Answers health questions from trusted sources (NIH, CDC, FDA labels) with a confidence badge, "
           "safety triage and citations. It does not replace a doctor or pharmacist.")

url = service.chat_ui_url()
if service.is_running():
    st.iframe(url, height=FRAME_HEIGHT)
    st.markdown(f"[Open the chat in a new tab]({url}) · [REST API docs]({service.base_url()}/docs)")
else:
    st.info(f"The chat server is not running at {service.base_url()}. Start it here, or in a terminal with "
            "`medtune serve`.")
    if st.button("Start the chat server", type="primary", icon=":material/play_arrow:"):
        try:
            with st.spinner("Starting the chat server (loading the knowledge base and the chat UI)…"):
                service.start_server()
        except MedtuneError as err:
            ui.error_box(err)
        else:
            st.rerun()
    st.caption(f"The server logs to {service.log_path()}.")
