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


def build_navigation() -> dict[str, list]:
    """Sections of st.Page objects from app/navigation.py; a page whose file is not there is left out."""
    from app.navigation import NAVIGATION

    sections: dict[str, list] = {}
    for entry in NAVIGATION:
        path = PAGES / entry.filename
        if path.is_file():
            sections.setdefault(entry.section, []).append(
                st.Page(path, title=entry.title, icon=entry.icon, default=entry.filename == "home.py",
                        url_path=path.stem)
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
