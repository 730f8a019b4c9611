"""medtune's Streamlit entry point: `streamlit run app/main.py`.

Navigation over the thin page files in the top-level `pages/` folder (kept outside `app/` because a
`pages/` folder next to the entry script switches Streamlit to its legacy page list). Pages hold widgets
and rendering only; all logic lives in the `medtune` package.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # so pages can `import app.ui` when run from any working directory
    sys.path.insert(0, str(ROOT))
PAGES = ROOT / "pages"

# (section, file, title, icon); a page whose file is not there yet is left out of the navigation.
NAVIGATION = [
    ("Start", "home.py", "Home", ":material/home:"),
    ("Data & training", "datasets.py", "Datasets", ":material/dataset:"),
    ("Data & training", "train.py", "Train", ":material/model_training:"),
    ("Data & training", "jobs.py", "Jobs", ":material/work_history:"),
    ("Evaluation", "evaluation.py", "Evaluation", ":material/analytics:"),
    ("Evaluation", "review.py", "Expert review", ":material/rate_review:"),
    ("Trusted sources", "knowledge.py", "Knowledge base", ":material/library_books:"),
    ("Trusted sources", "checker.py", "Misinformation checker", ":material/fact_check:"),
    ("Trusted sources", "chatbot.py", "Chatbot", ":material/chat:"),
    ("Analytics", "sentiment.py", "Sentiment", ":material/sentiment_satisfied:"),
]


def build_navigation() -> dict[str, list]:
    sections: dict[str, list] = {}
    for section, filename, title, icon in NAVIGATION:
        path = PAGES / filename
        if path.is_file():
            sections.setdefault(section, []).append(
                st.Page(path, title=title, icon=icon, default=filename == "home.py", url_path=path.stem)
            )
    return sections


def warn_when_exposed() -> None:
    """A banner on every page when the app listens beyond this machine: it has no login (docs/SECURITY.md)."""
    from medtune.settings import is_loopback

    address = str(st.get_option("server.address") or "")
    if not is_loopback(address):
        st.warning(f"This app listens on {address or 'every network interface'} and has no login: anyone who can "
                   "reach this port can see and change its data. Put it behind a reverse proxy with "
                   "authentication, or bind it to 127.0.0.1 (docs/SECURITY.md).", icon=":material/lock_open:")


st.set_page_config(page_title="medtune", page_icon=":material/health_and_safety:", layout="wide")
warn_when_exposed()
st.navigation(build_navigation()).run()
