"""A form description generated from `TrainConfig`: what the Train page renders, with no UI imports here.

Each field becomes a `FormField` (dotted name, widget kind, default, bounds, choices, help) read from the
pydantic model, so a new config field appears on the page without touching the page.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from medtune.train.config import TrainConfig

#: Chosen above the form (task, dataset, model, method) or not user-facing.
SKIP = {"kind", "task", "dataset", "model", "method", "stages", "prepare.tokenizer", "prepare.max_length"}
SECTIONS = {"lora": "LoRA adapters", "prepare": "Data preparation"}


@dataclass(frozen=True)
class FormField:
    name: str  # dotted: "lora.r"
    label: str
    kind: Literal["int", "float", "bool", "choice", "text", "list"]
    default: Any
    help: str
    section: str = "Training"
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] = ()
    optional: bool = False


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional?) for `X | None`."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        inner = [a for a in args if a is not type(None)]
        return inner[0], True
    return annotation, False


def _bounds(info: Any) -> tuple[float | None, float | None]:
    low = high = None
    for meta in info.metadata:
        low = getattr(meta, "ge", getattr(meta, "gt", low)) if low is None else low
        high = getattr(meta, "le", getattr(meta, "lt", high)) if high is None else high
    return low, high


def form_fields(config: BaseModel | None = None, model: type[BaseModel] = TrainConfig, prefix: str = "",
                section: str = "Training") -> list[FormField]:
    """Every editable field of `model`, with defaults taken from `config` (e.g. a recipe) when given."""
    fields: list[FormField] = []
    for name, info in model.model_fields.items():
        dotted = f"{prefix}{name}"
        if dotted in SKIP:
            continue
        annotation, optional = _unwrap(info.annotation)
        value = getattr(config, name) if config is not None else info.get_default(call_default_factory=True)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields += form_fields(value, annotation, f"{dotted}.", SECTIONS.get(name, name))
            continue
        low, high = _bounds(info)
        kind, choices = _kind(annotation)
        if kind is None:
            continue  # free-form mappings (prepare.options) stay in YAML configs
        fields.append(FormField(name=dotted, label=name.replace("_", " "), kind=kind, default=value,
                                help=info.description or "", section=section, minimum=low, maximum=high,
                                choices=choices, optional=optional))
    return fields


def _kind(annotation: Any) -> tuple[str | None, tuple[Any, ...]]:
    if typing.get_origin(annotation) is Literal:
        return "choice", typing.get_args(annotation)
    if annotation is bool:
        return "bool", ()
    if annotation is int:
        return "int", ()
    if annotation is float:
        return "float", ()
    if annotation is str:
        return "text", ()
    if typing.get_origin(annotation) is list:
        return "list", ()
    return None, ()


def set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    target = data
    *parents, last = dotted.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


def config_from_values(base: TrainConfig, values: dict[str, Any]) -> TrainConfig:
    """The recipe `base` with the form's values applied (dotted names); validated, CONFIG error on a bad one."""
    from medtune.train.config import parse_config

    data = base.to_dict()
    for dotted, value in values.items():
        set_dotted(data, dotted, value)
    return parse_config(data)
