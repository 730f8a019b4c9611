"""BM25 lexical ranking over the chunks, as a sparse matrix saved next to the Chroma collection.

The index is a cache of the collection, never a second source of truth: it records how many chunks it was
built from and is rebuilt from Chroma's stored texts when that count differs (the store is append-only, so
the count identifies its contents). Scoring a query is one sparse column slice and a sum: a few ms for
~30k chunks.

BM25 as in Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond" (2009), with the
usual k1 = 1.2, b = 0.75 and the non-negative idf log(1 + (N - df + 0.5) / (df + 0.5)) of Lucene.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from medtune.io import atomic_write_json
from medtune.text import STOPWORDS

K1, B = 1.2, 0.75
_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer().stem(word)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer()


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop words removed, Porter-stemmed (so "treatments" matches "treatment")."""
    return [_stem(tok) for tok in _TOKEN.findall(text.lower()) if tok not in STOPWORDS and len(tok) < 40]


@dataclass
class LexicalIndex:
    ids: list[str]
    sources: list[str]
    vocab: dict[str, int]
    weights: Any  # scipy CSC matrix (n_chunks x n_terms) of BM25 term weights

    @classmethod
    def build(cls, ids: list[str], texts: list[str], sources: list[str]) -> LexicalIndex:
        import numpy as np
        from scipy import sparse

        vocab: dict[str, int] = {}
        rows, cols, counts = [], [], []
        for row, text in enumerate(texts):
            tf: dict[int, int] = {}
            for tok in tokenize(text):
                col = vocab.setdefault(tok, len(vocab))
                tf[col] = tf.get(col, 0) + 1
            rows.extend([row] * len(tf))
            cols.extend(tf)
            counts.extend(tf.values())
        shape = (len(ids), max(len(vocab), 1))
        tf_matrix = sparse.csr_matrix((np.asarray(counts, dtype=np.float32), (rows, cols)), shape=shape)
        return cls(list(ids), list(sources), vocab, _bm25_weights(tf_matrix))

    def search(self, query: str, k: int = 50, sources: list[str] | None = None) -> list[tuple[int, float]]:
        """(row, score) of the best `k` chunks with a positive score, best first."""
        import numpy as np

        cols = sorted({self.vocab[t] for t in tokenize(query) if t in self.vocab})
        if not cols or not self.ids:
            return []
        scores = np.asarray(self.weights[:, cols].sum(axis=1)).ravel()
        if sources:
            scores = np.where(self._source_mask(sources), scores, 0.0)
        k = min(k, int((scores > 0).sum()))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top]

    def share(self, sources: list[str]) -> float:
        """Fraction of the chunks that belong to `sources`."""
        return float(self._source_mask(sources).mean()) if self.ids else 0.0

    def _source_mask(self, sources: list[str]) -> Any:
        """Boolean row mask of the chunks of `sources`, computed once per set of sources (an isin over ~40k
        strings per query would cost more than the scoring)."""
        import numpy as np

        masks = self.__dict__.setdefault("_masks", {})
        key = tuple(sorted(set(sources)))
        if key not in masks:
            masks[key] = np.isin(np.asarray(self.sources), list(key))
        return masks[key]

    # --- persistence ---------------------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        from scipy import sparse

        directory.mkdir(parents=True, exist_ok=True)
        sparse.save_npz(directory / "weights.npz", self.weights.tocsc())
        atomic_write_json(directory / "rows.json", {"ids": self.ids, "sources": self.sources})
        atomic_write_json(directory / "vocab.json", self.vocab)
        # Written last: its presence (with the count) means the files above are complete and belong together.
        atomic_write_json(directory / "manifest.json", {"count": len(self.ids), "k1": K1, "b": B})

    @classmethod
    def load(cls, directory: Path, expected_count: int) -> LexicalIndex | None:
        """The saved index, or None when it is missing, unreadable or built from a different chunk count."""
        from scipy import sparse

        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("count") != expected_count or manifest.get("k1") != K1 or manifest.get("b") != B:
                return None
            rows = json.loads((directory / "rows.json").read_text(encoding="utf-8"))
            vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
            weights = sparse.load_npz(directory / "weights.npz").tocsc()
        except (OSError, ValueError, KeyError):
            return None
        if len(rows["ids"]) != expected_count or weights.shape[0] != expected_count:
            return None
        return cls(rows["ids"], rows["sources"], vocab, weights)


def _bm25_weights(tf: Any) -> Any:
    """Per (chunk, term) BM25 contribution, so a query's score is the sum of its terms' columns."""
    import numpy as np

    n_docs = tf.shape[0]
    doc_len = np.asarray(tf.sum(axis=1)).ravel()
    avg_len = float(doc_len.mean()) if n_docs else 1.0
    df = np.bincount(tf.indices, minlength=tf.shape[1])
    idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    weights = tf.tocoo(copy=True)
    norm = K1 * (1 - B + B * doc_len[weights.row] / max(avg_len, 1e-9))
    weights.data = (idf[weights.col] * weights.data * (K1 + 1) / (weights.data + norm)).astype(np.float32)
    return weights.tocsc()
