"""`medtune models list|show` — the model registry and memory estimates."""

from __future__ import annotations

import argparse

from medtune.cli import emit


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("models", help="registered models and their memory needs")
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])
    sub = parser.add_subparsers(dest="models_command", metavar="ACTION")

    p = sub.add_parser("list", help="every registered model")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="one model (registry name, hub id or local directory) with memory estimates")
    p.add_argument("model")
    p.add_argument("--seq-len", type=int, default=512, help="sequence length for the estimate (default 512)")
    p.add_argument("--batch", type=int, default=4, help="batch size for the estimate (default 4)")
    p.add_argument("--lora-r", type=int, default=16)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_show)


def _params(n: int) -> str:
    if not n:
        return "-"
    return f"{n / 1e9:.1f}B" if n >= 1e9 else f"{n / 1e6:.0f}M"


def cmd_list(args: argparse.Namespace) -> int:
    from medtune.models.registry import list_models

    models = list_models()
    rows = [f"{'name':22} {'kind':8} {'params':>7}  {'tunable':7} {'gated':5}  hub id / licence"]
    for m in models:
        rows.append(f"{m.name:22} {m.kind:8} {_params(m.params):>7}  {'yes' if m.tunable else 'no':7} "
                    f"{'yes' if m.gated else 'no':5}  {m.hub_id or m.aliases[0] if m.aliases else m.hub_id} ({m.licence})")
    emit([m.to_dict() for m in models], args.json, "\n".join(rows))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from medtune.models.memory import estimate_all
    from medtune.models.registry import get_model

    spec = get_model(args.model)
    data = spec.to_dict()
    if spec.tunable:
        data["memory"] = [e.to_dict() for e in estimate_all(spec, seq_len=args.seq_len, batch_size=args.batch,
                                                             lora_r=args.lora_r)]
    lines = [f"{k}: {v}" for k, v in spec.to_dict().items() if v not in (None, "", [], 0)]
    for est in data.get("memory", []):
        fits = {True: "fits", False: "does NOT fit", None: "unknown"}[est["fits"]]
        lines.append(f"{est['method']:6} ~{est['total_gb']:.1f} GB on {est['device']} "
                     f"(have {est['available_gb']} GB: {fits}) {est['note']}")
    emit(data, args.json, "\n".join(lines))
    return 0
