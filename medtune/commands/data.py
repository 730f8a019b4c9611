"""`medtune data list | show | validate | prepare | upload`: the dataset registry from the command line.

Exit codes: 0 success, 2 a user error (unknown dataset, bad option) or an invalid file (`validate` lists
every row error first). `prepare` options are generated from `PrepareOptions`, the same model the Datasets
page renders as a form.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from medtune.cli import EXIT_USER_ERROR, emit
from medtune.errors import ConfigError, DataError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("data", help="list, inspect, validate, upload and prepare datasets",
                                   description="Datasets: the registry, user files and preparation.")
    sub = parser.add_subparsers(dest="data_command", metavar="ACTION")
    parser.set_defaults(func=lambda args: (parser.print_help(), EXIT_USER_ERROR)[1])

    p = sub.add_parser("list", help="every registered dataset with its task, labels, licence and availability")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="splits, row counts, label distribution, source and licence of a dataset")
    p.add_argument("name", help="dataset name (see `medtune data list`)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("validate", help="check a CSV/TSV/JSONL/JSON/Parquet file for a task (exit 2 if invalid)")
    p.add_argument("file", help="the file to check")
    _file_arguments(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("upload", help="validate a file, store a copy in the uploads folder and register it")
    p.add_argument("file", help="the file to upload")
    _file_arguments(p)
    p.set_defaults(func=cmd_upload)

    p = sub.add_parser("prepare", help="write train/validation/test splits and report.json for a dataset")
    p.add_argument("name", help="dataset name, or upload:<file> for a registered upload")
    p.add_argument("--task", help="task (default: the dataset's default task)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--json", action="store_true", help="print the whole report as JSON")
    p.add_argument("--config", metavar="FILE", help="options from a YAML/JSON file (or an earlier report.json, "
                   "to repeat a preparation); flags given here override it")
    _option_arguments(p)
    p.set_defaults(func=cmd_prepare)


def _file_arguments(p: argparse.ArgumentParser) -> None:
    from medtune.data.tasks import TASKS

    p.add_argument("--task", required=True, choices=list(TASKS), help="the task the file is for")
    p.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                   help="column mapping, e.g. --map text=review --map label=rating (or text=review,label=rating)")
    p.add_argument("--labels", action="append", default=[], metavar="RAW=LABEL",
                   help="label mapping into the task's labels, e.g. --labels real=true,fake=false")
    p.add_argument("--json", action="store_true", help="print JSON")


def _option_arguments(p: argparse.ArgumentParser) -> None:
    """One flag per PrepareOptions field (`medtune.forms`, like the Datasets page); flags left out keep the defaults."""
    from medtune.data.prepare import PrepareOptions
    from medtune.forms import form_fields

    group = p.add_argument_group("preparation options")
    for field in form_fields(PrepareOptions):
        flag = "--" + field.name.replace("_", "-")
        help_text = f"{field.help} (default: {field.default})"
        if field.kind == "bool":
            group.add_argument(flag, dest=field.name, action=argparse.BooleanOptionalAction, default=None,
                               help=help_text)
        elif field.kind == "choice":
            group.add_argument(flag, dest=field.name, choices=list(field.choices), default=None, help=help_text)
        else:
            kind = field.python_type or str
            group.add_argument(flag, dest=field.name, type=kind, default=None, metavar=kind.__name__.upper(),
                               help=help_text)


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    cells = [[str(r.get(c, "")) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()  # noqa: E731
    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_list(args: argparse.Namespace) -> int:
    from medtune.data.info import list_dataset_rows

    rows = list_dataset_rows()
    view = [{**r, "labels": ",".join(r["labels"]) or "-", "licence": _short(r["licence"], 38)
             + (" (NC)" if r["non_commercial"] else "")} for r in rows]
    emit(rows, args.json, _table(view, ["name", "default_task", "labels", "availability", "licence"]))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from medtune.data.info import dataset_summary

    info = dataset_summary(args.name)
    if args.json:
        emit(info, True)
        return 0
    lines = [f"{info['name']} — {info['title']}", f"tasks: {', '.join(info['tasks'])} (default {info['default_task']})",
             f"labels: {', '.join(info['labels']) or '-'}", f"licence: {info['licence']}",
             f"availability: {info['availability']}", f"citation: {info['citation']}"]
    if info.get("warning"):
        lines.append(f"warning: {info['warning']}")
    if info["splits"]:
        splits = [{**s, "labels": ", ".join(f"{k} {v}" for k, v in s["labels"].items()) or "(unlabelled)",
                   "official": s["official"] or ""} for s in info["splits"]]
        lines += ["", _table(splits, ["split", "rows", "labels", "source"])]
    else:
        lines += ["", f"no split available here. {info.get('how_to_get') or ''}".rstrip()]
    print("\n".join(lines))
    return 0


def _validate(args: argparse.Namespace) -> Any:
    from medtune.data.uploads import parse_pairs, validate_file

    return validate_file(args.file, args.task, args.map, label_map=parse_pairs(args.labels, "label map"))


def cmd_validate(args: argparse.Namespace) -> int:
    report = _validate(args)
    if args.json:
        emit(report.model_dump(mode="json"), True)
    else:
        print(_validation_text(report))
    return 0 if report.valid else EXIT_USER_ERROR


def _validation_text(report: Any) -> str:
    head = (f"{'valid' if report.valid else 'INVALID'}: {report.file} for task {report.task} "
            f"({report.rows} rows, {report.format or '?'})")
    lines = [head]
    if report.labels:
        lines.append("labels: " + ", ".join(f"{k} {v}" for k, v in report.labels.items()))
    for error in report.errors[:50]:
        lines.append(f"  error: {error}")
    if report.error_count > 50:
        lines.append(f"  … and {report.error_count - 50} more errors (use --json for all)")
    lines += [f"warning: {w}" for w in report.warnings]
    if not report.valid:
        lines.append("hint: fix the rows above, or map columns with --map FIELD=COLUMN and labels with --labels RAW=LABEL")
    return "\n".join(lines)


def cmd_upload(args: argparse.Namespace) -> int:
    from medtune.data.uploads import parse_pairs, upload_file

    report = _validate(args)
    if not report.valid:
        print(_validation_text(report), file=sys.stderr if args.json else sys.stdout)
        return EXIT_USER_ERROR
    name, path = upload_file(args.file, args.task, args.map, label_map=parse_pairs(args.labels, "label map"))
    result = {"name": name, "path": str(path), "rows": report.rows, "labels": report.labels,
              "warnings": report.warnings}
    text = f"stored {path}\nregistered {name} ({report.rows} rows); prepare it with " \
           f"`medtune data prepare {name} --task {args.task} --out DIR`"
    emit(result, args.json, "\n".join([text, *(f"warning: {w}" for w in report.warnings)]))
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from medtune.data.prepare import PrepareOptions, prepare_dataset

    given = _config_options(args.config) if args.config else {}
    given.update({k: getattr(args, k) for k in PrepareOptions.model_fields if getattr(args, k) is not None})
    try:
        options = PrepareOptions(**given)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "options"
        raise ConfigError(f"invalid preparation option {where}: {err['msg']}",
                          hint="`medtune data prepare --help` lists every option with its bounds") from None
    try:
        report = prepare_dataset(args.name, args.task, Path(args.out), options)
    except OSError as exc:
        raise DataError(f"could not write to {args.out}: {exc.strerror or exc}",
                        hint="choose an output folder you can write to") from None
    if args.json:
        emit(report, True)
        return 0
    print(_prepare_text(report, args.out))
    return 0


def _config_options(path: str) -> dict[str, Any]:
    """PrepareOptions fields from YAML/JSON; a report.json contributes its recorded `options`."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))  # YAML is a superset of JSON
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"could not read options from {path}: {exc}", hint="give a YAML or JSON file") from None
    if isinstance(data, dict) and isinstance(data.get("options"), dict):
        data = data["options"]
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a mapping of preparation options",
                          hint="e.g. `balance: oversample` and `seed: 7`, one per line")
    return data


def _prepare_text(report: dict[str, Any], out: str) -> str:
    splits = [{"split": k, "rows": v["rows"], "labels": ", ".join(f"{a} {b}" for a, b in v["labels"].items()),
               "source": v["source"]} for k, v in report["splits"].items()]
    funnel = report["funnel"]
    lines = [f"prepared {report['dataset']} for {report['task']} in {out} ({report['elapsed_s']} s)",
             "rows: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in funnel.items()), "",
             _table(splits, ["split", "rows", "labels", "source"]), "",
             f"dropped: {report.get('alignment', {}).get('dropped', 0)} conflicting, "
             f"{report.get('duplicates', {}).get('dropped', 0)} duplicates, "
             f"{report.get('near_duplicates', {}).get('dropped', 0)} near duplicates, "
             f"{len(report['label_mapping']['unmapped'])} unmappable labels, "
             f"{len(report['leakage']['dropped'])} leaked across splits",
             f"leakage check: {'ok' if report['leakage']['ok'] else 'texts shared between splits (see report.json)'}"]
    weights = report.get("balancing", {}).get("class_weights")
    if weights:
        lines.append("class weights: " + ", ".join(f"{k} {v}" for k, v in weights.items()))
    tok = report.get("tokenization")
    if tok:
        train = tok["splits"]["train"]
        lines.append(f"tokens ({tok['tokenizer']}): train median {train.get('median')}, p95 {train.get('p95')}, "
                     f"{train.get('over_max_length', 0)} rows over {tok['max_length']}")
    lines += [f"note: {n}" for n in report["notes"]]
    if report.get("phi", {}).get("warning"):
        lines.append(f"warning: {report['phi']['warning']}")
    lines.append(f"report: {Path(out) / 'report.json'}")
    return "\n".join(lines)
