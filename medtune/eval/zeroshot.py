"""Zero-shot classification with a causal LM: score each label option by log-likelihood.

As lm-evaluation-harness does for multiple-choice tasks: the continuation's tokens are those of
`encode(context + continuation)` after the first `len(encode(context))` (so a merge across the boundary
is handled), the score of an option is the sum of its tokens' log-probabilities ("acc", not
length-normalised), and the prediction is the best-scoring option. The options' scores, soft-maxed
over the options, are the item's class probabilities.
"""

from __future__ import annotations

from typing import Any

from medtune.data.schemas import Example
from medtune.data.tasks import get_task
from medtune.eval.predictors import Cancel, Prediction, Progress, check_cancel
from medtune.eval.prompts import get_template, item_labels, label_word, render

DEFAULT_TEMPLATE = "loglik-v1"


class LogLikelihoodScorer:
    """Sum of log p(continuation | context) for many (context, continuation) pairs, batched by length."""

    def __init__(self, model: Any, tokenizer: Any, *, max_length: int = 1024, batch_size: int = 8):
        self.model, self.tokenizer = model, tokenizer
        self.max_length, self.batch_size = max_length, batch_size

    def encode_pair(self, context: str, continuation: str) -> tuple[list[int], list[int]]:
        whole = self.tokenizer(context + continuation)["input_ids"]
        ctx = self.tokenizer(context)["input_ids"]
        cont = whole[len(ctx):] or self.tokenizer(continuation, add_special_tokens=False)["input_ids"]
        ctx_part = whole[:len(whole) - len(cont)]
        # Truncate the context from the left so the continuation always fits (the answer is what is scored).
        keep = max(1, self.max_length - len(cont))
        return ctx_part[-keep:], cont

    def score(self, pairs: list[tuple[str, str]], cancel: Cancel | None = None) -> list[float]:
        import torch

        encoded = [self.encode_pair(c, x) for c, x in pairs]
        order = sorted(range(len(encoded)), key=lambda i: -(len(encoded[i][0]) + len(encoded[i][1])))
        scores = [0.0] * len(encoded)
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        self.model.eval()
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                check_cancel(cancel)
                batch = order[start:start + self.batch_size]
                seqs = [encoded[i][0] + encoded[i][1] for i in batch]
                width = max(len(s) for s in seqs)
                ids = torch.tensor([s + [pad] * (width - len(s)) for s in seqs])
                mask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in seqs])
                logprobs = torch.log_softmax(self.model(input_ids=ids, attention_mask=mask).logits.float(), dim=-1)
                for row, i in enumerate(batch):
                    ctx, cont = encoded[i]
                    # token t is predicted at position t-1
                    positions = torch.arange(len(ctx) - 1, len(ctx) + len(cont) - 1)
                    scores[i] = float(logprobs[row, positions, torch.tensor(cont)].sum())
        return scores


class ZeroShotPredictor:
    kind = "zero-shot"

    def __init__(self, spec: Any, task: str, labels: tuple[str, ...], *, batch_size: int = 8,
                 max_length: int = 1024, max_new_tokens: int = 128, template: str | None = None):
        from transformers import AutoModelForCausalLM

        from medtune.models.loading import load_pretrained, load_tokenizer

        self.spec, self.task, self.labels = spec, task, labels
        self.generates = get_task(task).is_generation
        self.template = get_template(template or ("chat-generate-v1" if self.generates else DEFAULT_TEMPLATE))
        self.tokenizer = load_tokenizer(spec)
        self.model = load_pretrained(AutoModelForCausalLM, spec)
        self.scorer = LogLikelihoodScorer(self.model, self.tokenizer, max_length=max_length, batch_size=batch_size)
        self.max_new_tokens = max_new_tokens

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.spec.name, "source": self.spec.source,
                "method": "generation (greedy)" if self.generates else "option log-likelihood (sum)",
                "prompt": self.template.to_dict()}

    def predict(self, examples: list[Example], progress: Progress | None = None,
                cancel: Cancel | None = None) -> list[Prediction]:
        if self.generates:
            return self._generate(examples, progress, cancel)
        out: list[Prediction] = []
        step = max(1, self.scorer.batch_size)
        for start in range(0, len(examples), step):
            chunk = examples[start:start + step]
            choices = [item_labels(e, self.labels, self.task) for e in chunk]
            prompts = [render(self.template, e, self.task, self.labels) for e in chunk]
            pairs = [(p, " " + label_word(lbl)) for p, cs in zip(prompts, choices) for lbl in cs]
            scores = iter(self.scorer.score(pairs, cancel))
            for cs in choices:
                out.append(option_prediction(cs, [next(scores) for _ in cs], self.labels))
            if progress:
                progress(len(out), len(examples))
        return out

    def _generate(self, examples: list[Example], progress: Progress | None, cancel: Cancel | None) -> list[Prediction]:
        import torch

        out = []
        for n, example in enumerate(examples, start=1):
            check_cancel(cancel)
            prompt = render(self.template, example, self.task, self.labels)
            enc = self.tokenizer(prompt, return_tensors="pt", truncation=True, max_length=self.scorer.max_length)
            with torch.inference_mode():
                ids = self.model.generate(**enc, max_new_tokens=self.max_new_tokens, do_sample=False,
                                          pad_token_id=self.tokenizer.pad_token_id)
            text = self.tokenizer.decode(ids[0, enc["input_ids"].shape[1]:], skip_special_tokens=True).strip()
            out.append(Prediction(text=text))
            if progress:
                progress(n, len(examples))
        return out


def option_prediction(choices: tuple[str, ...], scores: list[float], labels: tuple[str, ...]) -> Prediction:
    """Softmax over the item's options; labels that are not options of this item get probability 0."""
    import math

    top = max(scores)
    weights = [math.exp(s - top) for s in scores]
    total = sum(weights)
    probs = {lbl: 0.0 for lbl in labels}
    probs.update({lbl: w / total for lbl, w in zip(choices, weights)})
    best = choices[scores.index(top)]
    return Prediction(best, probs, probs[best])
