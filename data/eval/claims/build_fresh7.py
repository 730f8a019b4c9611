"""Write fresh7.jsonl from fresh7_groups.py (same fields as claims.jsonl, built by build.py's `build`).

    MEDTUNE_DATA_DIR=../shared/data python data/eval/claims/build_fresh7.py

The whole set is held out: every row's split is "test" (scored once per round, never fitted or tuned on, its
texts never printed). Fails if a quote is not found verbatim (up to whitespace) in a MedQuAD answer.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from build import build  # noqa: E402
from fresh7_groups import GROUPS  # noqa: E402

if __name__ == "__main__":
    build(GROUPS, "fresh7.jsonl", lambda gid, topic: "test")
