"""Loading a registered dataset from the Hugging Face hub (users with internet; never in tests or CI)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from medtune.errors import NotAvailableError
from medtune.settings import get_settings


def iter_hub_rows(spec: Any, split: str) -> Iterator[dict[str, Any]]:
    if get_settings().is_offline:
        raise NotAvailableError(
            f"dataset {spec.name!r} split {split!r} needs the hub ({spec.hub_id}) but medtune is offline",
            hint=f"put a local copy of {spec.folder_name}/ in MEDTUNE_DATA_DIR, or unset HF_HUB_OFFLINE / MEDTUNE_OFFLINE",
        )
    try:
        import datasets

        ds = datasets.load_dataset(spec.hub_id, spec.hub_config, split=spec.hub_splits[split])
    except Exception as exc:  # ConnectionError, OfflineModeIsEnabled, gated repos, missing configs
        raise NotAvailableError(
            f"could not load {spec.hub_id} ({spec.hub_config or 'default'}) split {split!r}: {exc}",
            hint="check the network and hub access, or place a local copy in MEDTUNE_DATA_DIR",
        ) from exc
    yield from ds
