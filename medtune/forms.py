"""Form descriptions read from pydantic models: the one generator behind the pages' forms and the CLI's flags.

`form_fields(Model, values)` turns each field into a `FormField` (dotted name, widget kind, default, bounds,
choices, help); nested models become sections. The Streamlit widgets (`app.ui.field_widget`) and the
`medtune data prepare` flags are both rendered from these, so a new config field appears everywhere without
touching a page. No UI imports here.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel


@dataclass(frozen=True)
class FormField:
    name: str  # dotted: "lora.r"
    label: str
    kind: Literal["int", "float", "bool", "choice", "text", "list"]
    default: Any
    help: str
    section: str = "Settings"
    minimum: float | None = None  # inclusive bounds, as the widget takes them
    maximum: float | None = None
    choices: tuple[Any, ...] = ()  # for "choice", and for a "list" of fixed choices
    optional: bool = False  # None is allowed: an empty widget means "not set"
    python_type: type | None = None  # int / float / str for the CLI's type conversion


def unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional?) for `X | None`."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        inner = [a for a in args if a is not type(None)]
        return (inner[0] if len(inner) == 1 else annotation), True
    return annotation, False


def choices_of(annotation: Any) -> tuple[Any, ...] | None:
    if typing.get_origin(annotation) is Literal:
        return typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return tuple(m.value for m in annotation)
    return None


def _bounds(info: Any, annotation: Any) -> tuple[float | None, float | None]:
    """Inclusive bounds; on an integer field an exclusive bound (`gt=0`) becomes the next integer."""
    step = 1 if annotation is int else 0
    low = high = None
    for meta in info.metadata:
        if getattr(meta, "ge", None) is not None:
            low = meta.ge
        elif getattr(meta, "gt", None) is not None:
            low = meta.gt + step
        if getattr(meta, "le", None) is not None:
            high = meta.le
        elif getattr(meta, "lt", None) is not None:
            high = meta.lt - step
    return low, high


def _kind(annotation: Any) -> tuple[str | None, tuple[Any, ...]]:
    choices = choices_of(annotation)
    if choices is not None:
        return "choice", choices
    if annotation is bool:
        return "bool", ()
    if annotation is int:
        return "int", ()
    if annotation is float:
        return "float", ()
    if annotation is str:
        return "text", ()
    if typing.get_origin(annotation) in (list, tuple, set):
        args = typing.get_args(annotation)
        inner = choices_of(args[0]) if args else None
        if inner is not None or not args or args[0] is str:
            return "list", inner or ()
    return None, ()


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def form_fields(model: type[BaseModel], values: BaseModel | None = None, *, skip: frozenset[str] | set[str] = frozenset(),
                labels: Mapping[str, str] | None = None, sections: Mapping[str, str] | None = None,
                section: str = "Settings", prefix: str = "", help_names_field: bool = False) -> list[FormField]:
    """Every editable field of `model` (recursing into nested models), defaults from `values` when given.

    `skip` holds dotted names left out; `labels` plain labels by dotted name (else the name with spaces);
    `sections` a section title per nested field; `help_names_field` appends the config name to each help.
    Free-form fields (mappings, unions of several types) are left out: they stay in YAML configs.
    """
    labels, sections = labels or {}, sections or {}
    out: list[FormField] = []
    for name, info in model.model_fields.items():
        dotted = f"{prefix}{name}"
        if dotted in skip:
            continue
        annotation, optional = unwrap_optional(info.annotation)
        value = getattr(values, name) if values is not None else info.get_default(call_default_factory=True)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out += form_fields(annotation, value, skip=skip, labels=labels, sections=sections,
                               section=sections.get(name, name), prefix=f"{dotted}.", help_names_field=help_names_field)
            continue
        kind, choices = _kind(annotation)
        if kind is None:
            continue
        low, high = _bounds(info, annotation)
        description = info.description or ""
        help_text = f"{description} (config: `{dotted}`)".strip() if help_names_field else description
        out.append(FormField(
            name=dotted, label=labels.get(dotted, dotted.rsplit(".", 1)[-1].replace("_", " ").capitalize()),
            kind=kind, default=_plain(value), help=help_text, section=section, minimum=low, maximum=high,
            choices=choices, optional=optional, python_type=annotation if annotation in (int, float, str) else None))
    return out
