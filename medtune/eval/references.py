"""Published reference results shown beside ours, each with its source.

Values are fractions (0.780 = 78.0%) so they sit on the same axis as medtune's metrics; `reported` keeps
the figure as published. Where the original paper could not be confirmed here, `source` says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Reference:
    dataset: str
    split: str
    task: str
    metric: str
    value: float
    model: str
    source: str
    reported: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "kind": "reference"}


PUBMEDQA = "Jin et al. PubMedQA: A Dataset for Biomedical Research Question Answering. EMNLP 2019"
CONSTRAINT = "Patwa et al. Fighting an Infodemic: COVID-19 Fake News Dataset. CONSTRAINT@AAAI 2021"

REFERENCES: tuple[Reference, ...] = (
    Reference("pubmedqa", "test", "qa_decision", "accuracy", 0.780, "Human (single annotator)", PUBMEDQA, "78.0",
              "reasoning-required setting, official 500-item test set"),
    Reference("pubmedqa", "test", "qa_decision", "accuracy", 0.681, "BioBERT", PUBMEDQA, "68.1",
              "reasoning-required setting"),
    Reference("pubmedqa", "test", "qa_decision", "accuracy", 0.782, "BioGPT",
              "Luo et al. BioGPT: Generative Pre-trained Transformer for Biomedical Text Generation and Mining. "
              "Briefings in Bioinformatics 2022", "78.2"),
    Reference("pubmedqa", "test", "qa_decision", "accuracy", 0.552, "Majority class (yes)", PUBMEDQA, "55.2"),
    Reference("medqa", "test", "mcq", "accuracy", 0.446, "BioLinkBERT-large",
              "Yasunaga, Leskovec, Liang. LinkBERT: Pretraining Language Models with Document Links. ACL 2022",
              "44.6", "MedQA-USMLE 4-option"),
    Reference("medqa", "test", "mcq", "accuracy", 0.506, "BioMistral-7B",
              "Labrak et al. BioMistral: A Collection of Open-Source Pretrained LLMs for Medical Domains. "
              "Findings of ACL 2024", "50.6", "MedQA-USMLE 4-option"),
    Reference("covid_fake_news", "test", "misinformation", "weighted_f1", 0.933, "Organisers' baseline (SVM)",
              CONSTRAINT, "93.3"),
    Reference("covid_fake_news", "test", "misinformation", "weighted_f1", 0.987, "Shared-task winner (g2tmn)",
              "Glazkova, Glazkov, Trifonov. g2tmn at Constraint@AAAI2021: Exploiting CT-BERT and Ensembling "
              "Learning for COVID-19 Fake News Detection. 2021", "98.7"),
    Reference("drug_reviews", "test", "sentiment", "accuracy", 0.81, "RoBERTa-base (3-class)",
              "figure given in the project brief; the original publication was not confirmed here", "0.81",
              "Drugs.com reviews, 3 classes from the 1–10 rating"),
)


def references_for(dataset: str | None = None, task: str | None = None) -> list[dict[str, Any]]:
    """Reference rows, optionally for one dataset (the drug-review subset shares the full set's rows)."""
    aliases = {"drug_reviews_explabox": "drug_reviews"}
    want = aliases.get(dataset or "", dataset)
    return [r.to_dict() for r in REFERENCES
            if (want is None or r.dataset == want) and (task is None or r.task == task)]
