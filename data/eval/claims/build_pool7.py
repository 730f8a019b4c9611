"""Write pool7.jsonl from pool7_groups.py (same fields as claims.jsonl, built by build.py's `build`).

    MEDTUNE_DATA_DIR=../shared/data python data/eval/claims/build_pool7.py

pool7 is a TRAINING pool: every row's split is "dev" (it is fitted on, never reported as a test).
Fails if a quote is not found verbatim (up to whitespace) in MedQuAD.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from build import build  # noqa: E402
from pool7_groups import GROUPS  # noqa: E402

if __name__ == "__main__":
    build(GROUPS, "pool7.jsonl", lambda gid, topic: "dev")
