"""Write fresh6.jsonl from fresh6_groups.py (same fields as claims.jsonl, built by build.py's `build`).

    MEDTUNE_DATA_DIR=../shared/data python data/eval/claims/build_fresh6.py

Split once, by group: `test` if int(sha256("claims-fresh6:" + group)[:8], 16) is odd, else `dev`, so the three
wordings of one fact stay on one side. Fails if a quote is not found verbatim (up to whitespace) in MedQuAD.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from build import build  # noqa: E402
from fresh6_groups import GROUPS  # noqa: E402


def split_of(group: str) -> str:
    return "test" if int(hashlib.sha256(("claims-fresh6:" + group).encode()).hexdigest()[:8], 16) % 2 else "dev"


if __name__ == "__main__":
    build(GROUPS, "fresh6.jsonl", lambda gid, topic: split_of(gid))
