"""The reproducibility record of a run (repro.json): what is needed to run it again and get the same result.

Written at start (config and hash, model id and pinned revision, package versions, seed, git revision) and
completed at the end (dataset fingerprints and preparation report, the model commit actually loaded).
"""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from medtune.io import atomic_write_json, read_json
from medtune.settings import PROJECT_ROOT
from medtune.train.config import TrainConfig

PACKAGES = ("medtune", "torch", "transformers", "peft", "trl", "accelerate", "tokenizers", "datasets",
            "scikit-learn", "numpy", "bitsandbytes")


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def git_revision(root: Path = PROJECT_ROOT) -> dict[str, Any]:
    """The checkout's commit and whether it had uncommitted changes (None outside a git checkout)."""
    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def start_record(cfg: TrainConfig, job_dir: Path) -> dict[str, Any]:
    from medtune.models.registry import get_model

    spec = get_model(cfg.model)
    record = {
        "config": cfg.to_dict(),
        "config_hash": cfg.config_hash(),
        "seed": cfg.seed,
        "model": {"name": spec.name, "hub_id": spec.hub_id, "revision": spec.revision, "source": spec.source,
                  "kind": spec.kind, "params": spec.params},
        "packages": package_versions(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "git": git_revision(),
    }
    atomic_write_json(job_dir / "repro.json", record)
    return record


def finish_record(job_dir: Path, result: dict[str, Any]) -> dict[str, Any]:
    record = read_json(job_dir / "repro.json", default={}) or {}
    record["datasets"] = result.get("data", [])
    record.setdefault("model", {})["commit"] = result.get("model_commit")
    atomic_write_json(job_dir / "repro.json", record)
    return record
