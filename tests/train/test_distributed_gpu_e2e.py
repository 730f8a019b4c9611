"""benchmarks/gpu_e2e.py, the script a GPU session runs, works end to end here in its --cpu-smoke mode (tiny
shapes): every step passes, and the steps that need CUDA or two GPUs are skipped with the reason printed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_gpu_e2e_cpu_smoke_passes_every_step(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "gpu_e2e.py"), "--cpu-smoke", "--out",
                           str(tmp_path / "e2e")], capture_output=True, text=True, env=env, cwd=str(ROOT),
                          timeout=900)
    output = proc.stdout
    steps = {name: state for state, name in re.findall(r"^(PASS|FAIL|SKIP)\s+(\S+)", output, flags=re.M)}
    assert proc.returncode == 0, output[-3000:] + proc.stderr[-3000:]
    assert steps == {"models": "PASS", "sft-causal": "PASS", "sft-seq2seq": "PASS", "qlora": "SKIP",
                     "resume": "PASS", "eval": "PASS", "chat-local": "PASS", "ddp": "SKIP"}, output
    assert re.search(r"^SKIP\s+qlora .*needs CUDA", output, flags=re.M)
    assert re.search(r"^PASS\s+sft-causal .*packed True", output, flags=re.M)
    assert re.search(r"^PASS\s+resume .*cancelled at step \d+, resumed from checkpoint \d+, ended at 24", output, flags=re.M)
    assert re.search(r"^PASS\s+chat-local .*PeftModelForCausalLM", output, flags=re.M)
    runs = tmp_path / "e2e" / "runs"
    assert (runs / "sft-causal" / "adapter" / "adapter_model.safetensors").is_file()
    assert (tmp_path / "e2e" / "evals" / "causal-adapter" / "predictions.jsonl").is_file()
