"""API models as evaluation baselines: OpenAI (GPT-3.5-Turbo) and any OpenAI-compatible server, and Gemini.

The clients and their settings live in `medtune.models.api_clients`; this module turns one into a predictor
(a prompt per example, the label parsed from the reply). Keys are never written into eval.json.

References: `gpt-3.5-turbo` / `gemini-1.5-flash` (registry names), `openai:<model>`, `gemini:<model>`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from medtune.data.schemas import Example
from medtune.data.tasks import get_task
from medtune.eval.predictors import Cancel, Prediction, Progress, check_cancel
from medtune.eval.prompts import get_template, item_labels, parse_label, render
from medtune.models.api_clients import ApiSettings, GeminiChat, OpenAIChat, chat_model

class ApiPredictor:
    kind = "api"

    def __init__(self, chat: OpenAIChat | GeminiChat, task: str, labels: tuple[str, ...], *,
                 template: str | None = None, max_workers: int | None = None, max_tokens: int | None = None):
        self.chat, self.task, self.labels = chat, task, labels
        self.generates = get_task(task).is_generation
        self.template = get_template(template or ("chat-generate-v1" if self.generates else "chat-label-v1"))
        self.max_workers = max_workers or ApiSettings().max_workers
        self.max_tokens = max_tokens or (512 if self.generates else 16)

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.chat.model, **self.chat.describe(), "prompt": self.template.to_dict(),
                "temperature": 0, "max_tokens": self.max_tokens}

    def _one(self, example: Example, cancel: Cancel | None) -> Prediction:
        check_cancel(cancel)
        reply = self.chat.complete(self.template.system, render(self.template, example, self.task, self.labels),
                                   self.max_tokens)
        if self.generates:
            return Prediction(text=reply.strip())
        return Prediction(parse_label(reply, item_labels(example, self.labels, self.task)), text=reply)

    def predict(self, examples: list[Example], progress: Progress | None = None,
                cancel: Cancel | None = None) -> list[Prediction]:
        out: list[Prediction] = []
        with ThreadPoolExecutor(max_workers=self.max_workers) as pool:
            for pred in pool.map(lambda e: self._one(e, cancel), examples):
                out.append(pred)
                if progress:
                    progress(len(out), len(examples))
        return out


def api_predictor(ref: str, task: str, labels: tuple[str, ...], *, template: str | None = None,
                  max_workers: int | None = None, base_url: str | None = None) -> ApiPredictor:
    return ApiPredictor(chat_model(ref, base_url=base_url), task, labels, template=template, max_workers=max_workers)
