"""Copy small samples of the shareable datasets into data/, with their licence notes.

    python scripts/make_samples.py ../shared/data

Takes every k-th row so a sample spans the whole file (all MedQuAD sources, all labels). Datasets whose
licence forbids redistribution (HealthFC: CC BY-NC-ND) are never copied.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_ROWS = {"default": 120, "train": 240, "medquad.jsonl": 400, "labels.jsonl": 10_000, "dialogues.jsonl": 80}
NEVER_SHIP = {"healthfc"}


def sample_lines(lines: list[str], n: int) -> list[str]:
    if len(lines) <= n:
        return lines
    step = len(lines) / n
    return [lines[int(i * step)] for i in range(n)]


def main(source: Path) -> None:
    for folder in sorted(p for p in source.iterdir() if p.is_dir()):
        if folder.name in NEVER_SHIP:
            continue
        out = ROOT / "data" / folder.name
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / "PROVENANCE.md", out / "PROVENANCE.md")
        notes = []
        for file in sorted(folder.glob("*.jsonl")):
            with open(file, encoding="utf-8", newline="") as fh:  # not splitlines(): it also splits on U+2028 inside strings
                lines = fh.readlines()
            key = file.name if file.name in SAMPLE_ROWS else "train" if "train" in file.name else "default"
            kept = sample_lines(lines, SAMPLE_ROWS[key])
            (out / file.name).write_text("".join(kept), encoding="utf-8")
            notes.append(f"| {file.name} | {len(kept)} | {len(lines)} |")
        (out / "SAMPLE.md").write_text(
            f"# Sample of `{folder.name}`\n\nA small, evenly spaced sample (every k-th row) of the full files, "
            "shipped so medtune works out of the box. Licence and citation: PROVENANCE.md beside this file "
            "(copied unchanged). Point `MEDTUNE_DATA_DIR` at a full copy to use all rows.\n\n"
            "| file | rows here | rows in the full copy |\n|---|---|---|\n" + "\n".join(notes) + "\n",
            encoding="utf-8",
        )
        print(folder.name, ", ".join(notes))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"))
