"""Expert review: a queue of model answers for clinicians to rate, stored in SQLite.

Items come from evaluations (generated answers, or answers judged by a hallucination detector) or from
chatbot logs, with identifiers redacted by `medtune.data.phi.redact` before they are stored. A rating
says whether the answer is factually correct, which sentences are unsupported, clarity and
patient-friendliness (1–5) and a comment, with the reviewer's name and time; each reviewer rates an item
at most once (rating again replaces their rating) and any number of reviewers may rate it.

Derived figures: inter-rater agreement (pairwise, Cohen's and Fleiss' kappa) per rated field, and the
human-rated hallucination rate beside the automatic one with their agreement. An item counts as
hallucinated by a reviewer when it is judged incorrect or has an unsupported sentence; the human label of
an item is the majority of its reviewers, a tie counting as hallucinated (the cautious reading).
Ratings export to and import from CSV; an import with any bad row writes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import datetime, UTC
from pathlib import Path
from typing import Any

from medtune.data.tasks import TASKS, get_task
from medtune.errors import DataError, NotAvailableError
from medtune.io import csv_safe, csv_unquote
from medtune.settings import get_settings

CSV_FIELDS = ("item_id", "reviewer", "factually_correct", "unsupported_sentences", "clarity",
              "patient_friendliness", "comment", "rated_at", "question", "answer")

MIGRATIONS: list[str] = [
    """
    CREATE TABLE items (
        id TEXT PRIMARY KEY, source TEXT NOT NULL, source_ref TEXT, question TEXT, answer TEXT NOT NULL,
        evidence TEXT, sentences TEXT NOT NULL, auto_hallucinated INTEGER, auto_score REAL,
        redactions INTEGER NOT NULL DEFAULT 0, meta TEXT NOT NULL DEFAULT '{}', created_at TEXT NOT NULL);
    CREATE TABLE ratings (
        item_id TEXT NOT NULL REFERENCES items(id), reviewer TEXT NOT NULL,
        factually_correct INTEGER NOT NULL CHECK (factually_correct IN (0, 1)),
        unsupported TEXT NOT NULL DEFAULT '[]',
        clarity INTEGER NOT NULL CHECK (clarity BETWEEN 1 AND 5),
        patient_friendliness INTEGER NOT NULL CHECK (patient_friendliness BETWEEN 1 AND 5),
        comment TEXT NOT NULL DEFAULT '', rated_at TEXT NOT NULL, PRIMARY KEY (item_id, reviewer));
    """,
]

def split_sentences(text: str) -> list[str]:
    """Sentences as a reviewer sees them numbered (0-based); stored with the item so indices stay stable."""
    from medtune.text import split_sentences as shared_split

    return shared_split(text, capital_next=True)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _redactor(redact: bool) -> Callable[[str], tuple[str, int]]:
    if not redact:
        return lambda text: (text, 0)
    try:
        from medtune.data.phi import redact as phi_redact
    except ImportError as exc:
        raise NotAvailableError("identifier redaction (medtune.data.phi) is not available, so items cannot be queued "
                                "for review safely", hint="install the full medtune package") from exc

    def run(text: str) -> tuple[str, int]:
        result = phi_redact(text)
        redacted, findings = result if isinstance(result, tuple) else (result, [])
        return redacted, len(findings)

    return run


class ReviewStore:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else get_settings().home / "review" / "review.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for n, script in enumerate(MIGRATIONS[version:], start=version + 1):
                db.executescript(f"BEGIN; {script} PRAGMA user_version = {n}; COMMIT;")

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA journal_mode = WAL")
            with db:  # one transaction: committed on success, rolled back on any error
                yield db

    # ------------------------------------------------------------ items
    def add_item(self, answer: str, *, question: str | None = None, evidence: str | None = None,
                 source: str = "manual", source_ref: str | None = None, item_id: str | None = None,
                 auto_hallucinated: bool | None = None, auto_score: float | None = None,
                 meta: dict[str, Any] | None = None, redact: bool = True) -> str:
        """Store an item (identifiers redacted); an existing id is left as it is. Returns the id."""
        return self.add_items([{"answer": answer, "question": question, "evidence": evidence, "source": source,
                                "source_ref": source_ref, "id": item_id, "auto_hallucinated": auto_hallucinated,
                                "auto_score": auto_score, "meta": meta or {}}], redact=redact)[0]

    def add_items(self, items: list[dict[str, Any]], *, redact: bool = True) -> list[str]:
        clean = _redactor(redact)
        rows = []
        for n, item in enumerate(items, start=1):
            if not (item.get("answer") or "").strip():
                raise DataError(f"review item {n}: the answer to review is empty")
            answer, k1 = clean(item["answer"])
            question, k2 = clean(item.get("question") or "")
            evidence, k3 = clean(item.get("evidence") or "")
            item_id = item.get("id") or _item_id(item.get("source", "manual"), question, answer)
            auto = item.get("auto_hallucinated")
            rows.append((str(item_id), item.get("source", "manual"), item.get("source_ref"), question or None,
                         answer, evidence or None, json.dumps(split_sentences(answer)),
                         None if auto is None else int(bool(auto)), item.get("auto_score"), k1 + k2 + k3,
                         json.dumps(item.get("meta") or {}, default=str), _now()))
        with self._db() as db:
            db.executemany("INSERT OR IGNORE INTO items VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        return [r[0] for r in rows]

    def add_from_evaluation(self, eval_dir: str | Path, *, limit: int | None = None, redact: bool = True) -> list[str]:
        """Queue the answers of an evaluation: generated answers (sft) or judged answers (hallucination)."""
        from medtune.eval.records import load_evaluation

        ev = load_evaluation(eval_dir)
        task, split = ev["eval"].get("task"), ev["eval"].get("split") or {}
        if task not in TASKS or TASKS[task].review is None:
            raise DataError(f"evaluation {eval_dir} is of task {task!r}: only generated answers (sft) or judged "
                            "answers (hallucination) can be reviewed")
        examples = _examples_by_id(split.get("dataset"), split.get("split"), task)
        items = [_eval_item(row, examples.get(row["id"]), task, str(eval_dir)) for row in ev["predictions"][:limit]]
        return self.add_items([i for i in items if i], redact=redact)

    def add_from_chat_log(self, path: str | Path, *, redact: bool = True) -> list[str]:
        """Queue chatbot answers from a JSONL log: {question|user, answer|assistant, evidence?, trust?} per line,
        or {"messages": [...]} with user/assistant turns (each assistant turn becomes an item)."""
        from medtune.io import read_jsonl

        items = []
        for n, row in enumerate(read_jsonl(Path(path)), start=1):
            for question, answer in _chat_pairs(row):
                evidence = row.get("evidence")
                if isinstance(evidence, list):
                    evidence = "\n".join(e.get("text", "") if isinstance(e, dict) else str(e) for e in evidence)
                trust = row.get("trust")
                items.append({"question": question, "answer": answer, "evidence": evidence, "source": "chat",
                              "source_ref": f"{path}:{n}", "auto_score": trust,
                              "auto_hallucinated": None if trust is None else float(trust) < 0.5})
        if not items:
            raise DataError(f"chat log {path} holds no question/answer pairs")
        return self.add_items(items, redact=redact)

    def items(self) -> list[dict[str, Any]]:
        with self._db() as db:
            rows = db.execute("SELECT i.*, COUNT(r.item_id) AS n_ratings FROM items i "
                              "LEFT JOIN ratings r ON r.item_id = i.id GROUP BY i.id ORDER BY i.created_at, i.id")
            return [_item_dict(r) for r in rows]

    def queue(self, reviewer: str, limit: int = 20) -> list[dict[str, Any]]:
        """Items this reviewer has not rated yet, least-rated first."""
        reviewer = _reviewer(reviewer)
        with self._db() as db:
            rows = db.execute(
                "SELECT i.*, (SELECT COUNT(*) FROM ratings r WHERE r.item_id = i.id) AS n_ratings FROM items i "
                "WHERE NOT EXISTS (SELECT 1 FROM ratings r WHERE r.item_id = i.id AND r.reviewer = ?) "
                "ORDER BY n_ratings, i.created_at, i.id LIMIT ?", (reviewer, limit))
            return [_item_dict(r) for r in rows]

    # ------------------------------------------------------------ ratings
    def rate(self, item_id: str, reviewer: str, *, factually_correct: bool, clarity: int, patient_friendliness: int,
             unsupported_sentences: list[int] | tuple[int, ...] = (), comment: str = "",
             rated_at: str | None = None) -> dict[str, Any]:
        with self._db() as db:
            self._store_rating(db, item_id, reviewer, factually_correct, clarity, patient_friendliness,
                               unsupported_sentences, comment, rated_at)
        return self.ratings(item_id=item_id, reviewer=reviewer)[0]

    def _store_rating(self, db: sqlite3.Connection, item_id: str, reviewer: str, factually_correct: Any,
                      clarity: Any, friendliness: Any, unsupported: Any, comment: str, rated_at: str | None) -> None:
        item = db.execute("SELECT sentences FROM items WHERE id = ?", (item_id,)).fetchone()
        if item is None:
            raise DataError(f"review item {item_id!r} does not exist")
        n_sentences = len(json.loads(item["sentences"]))
        indices = sorted({int(i) for i in unsupported})
        bad = [i for i in indices if not 0 <= i < n_sentences]
        if bad:
            raise DataError(f"item {item_id!r}: unsupported sentence indices {bad} out of range 0–{n_sentences - 1}")
        db.execute("INSERT OR REPLACE INTO ratings VALUES (?,?,?,?,?,?,?,?)",
                   (item_id, _reviewer(reviewer), int(_bool(factually_correct, "factually_correct")),
                    json.dumps(indices), _scale(clarity, "clarity"), _scale(friendliness, "patient_friendliness"),
                    comment or "", rated_at or _now()))

    def ratings(self, *, item_id: str | None = None, reviewer: str | None = None) -> list[dict[str, Any]]:
        query, args = "SELECT r.*, i.question, i.answer FROM ratings r JOIN items i ON i.id = r.item_id WHERE 1=1", []
        if item_id is not None:
            query, args = query + " AND r.item_id = ?", [*args, item_id]
        if reviewer is not None:
            query, args = query + " AND r.reviewer = ?", [*args, reviewer]
        with self._db() as db:
            return [_rating_dict(r) for r in db.execute(query + " ORDER BY r.item_id, r.reviewer", args)]

    # ------------------------------------------------------------ figures
    def agreement(self, *, n_boot: int = 200, seed: int = 0) -> dict[str, Any]:
        """Agreement among reviewers for each rated field, over items with two or more ratings."""
        from medtune.eval.metrics import evaluate_agreement

        by_item: dict[str, dict[str, dict[str, Any]]] = {}
        for r in self.ratings():
            by_item.setdefault(r["item_id"], {})[r["reviewer"]] = r
        multi = [v for v in by_item.values() if len(v) >= 2]
        out: dict[str, Any] = {"n_items_multi_rated": len(multi)}
        for field_name, get in (("factually_correct", lambda r: r["factually_correct"]),
                                ("hallucinated", _hallucinated), ("clarity", lambda r: r["clarity"]),
                                ("patient_friendliness", lambda r: r["patient_friendliness"])):
            if not multi:
                out[field_name] = {"unavailable": "no item has been rated by two or more reviewers"}
                continue
            out[field_name] = evaluate_agreement([{who: get(r) for who, r in item.items()} for item in multi],
                                                 n_boot=n_boot, seed=seed)
        return out

    def hallucination_comparison(self) -> dict[str, Any]:
        """Human-rated vs automatic hallucination rate on items that have both, and how well they agree."""
        from medtune.eval.agreement import make_ratings, pairwise_agreement
        from medtune.eval.agreement import cohen_kappa as kappa

        human = human_labels(self.ratings())
        auto = {i["id"]: bool(i["auto_hallucinated"]) for i in self.items() if i["auto_hallucinated"] is not None}
        both = sorted(set(human) & set(auto))
        result: dict[str, Any] = {
            "n_rated": len(human), "n_automatic": len(auto), "n_both": len(both),
            "human_rate": _mean(human.values()), "automatic_rate": _mean(auto.values()),
            "human_rate_on_shared": _mean(human[i] for i in both), "automatic_rate_on_shared": _mean(auto[i] for i in both),
            "rule": "hallucinated = judged incorrect or any unsupported sentence; majority of reviewers, ties count as hallucinated",
        }
        if both:
            data = make_ratings([{"human": human[i], "automatic": auto[i]} for i in both])
            result.update(agreement=pairwise_agreement(data), cohen_kappa=kappa(data))
        return result

    def summary(self) -> dict[str, Any]:
        ratings = self.ratings()
        return {"items": len(self.items()), "ratings": len(ratings), "reviewers": sorted({r["reviewer"] for r in ratings}),
                "mean_clarity": _mean(r["clarity"] for r in ratings),
                "mean_patient_friendliness": _mean(r["patient_friendliness"] for r in ratings),
                "share_factually_correct": _mean(r["factually_correct"] for r in ratings)}

    # ------------------------------------------------------------ CSV
    def export_csv(self, path: str | Path) -> int:
        rows = self.ratings()
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
            writer.writeheader()
            for r in rows:
                row = {**{k: r.get(k) for k in CSV_FIELDS}, "factually_correct": int(r["factually_correct"]),
                       "unsupported_sentences": ";".join(map(str, r["unsupported_sentences"]))}
                writer.writerow({k: csv_safe(v) for k, v in row.items()})  # no cell runs as a spreadsheet formula
        return len(rows)

    def import_csv(self, path: str | Path, *, redact: bool = True) -> dict[str, int]:
        """Import ratings; items missing here are created from the row's question/answer. All or nothing."""
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = {"item_id", "reviewer", "factually_correct", "clarity", "patient_friendliness"} - set(reader.fieldnames or [])
            if missing:
                raise DataError(f"ratings CSV {path}: missing columns {sorted(missing)}")
            rows = [{k: csv_unquote(v) if isinstance(v, str) else v for k, v in r.items()} for r in reader]
        known = {i["id"] for i in self.items()}
        new_items = [{"id": r["item_id"], "answer": r.get("answer") or "", "question": r.get("question"),
                      "source": "import", "source_ref": str(path)} for r in rows if r["item_id"] not in known]
        clean = _redactor(redact)
        with self._db() as db:  # one transaction: a bad row rolls back everything
            for item in {i["id"]: i for i in new_items}.values():
                if not item["answer"].strip():
                    raise DataError(f"ratings CSV {path}: item {item['id']!r} is unknown here and the row has no answer")
                answer, k = clean(item["answer"])
                db.execute("INSERT INTO items (id, source, source_ref, question, answer, sentences, redactions, created_at)"
                           " VALUES (?,?,?,?,?,?,?,?)", (item["id"], "import", item["source_ref"],
                                                        clean(item["question"] or "")[0] or None, answer,
                                                        json.dumps(split_sentences(answer)), k, _now()))
            for n, r in enumerate(rows, start=2):
                try:
                    unsupported = [int(x) for x in (r.get("unsupported_sentences") or "").split(";") if x.strip()]
                    self._store_rating(db, r["item_id"], r["reviewer"], r["factually_correct"], r["clarity"],
                                       r["patient_friendliness"], unsupported, r.get("comment") or "", r.get("rated_at") or None)
                except (DataError, ValueError) as exc:
                    raise DataError(f"ratings CSV {path} line {n}: {exc}") from None
        return {"ratings": len(rows), "new_items": len({i["id"] for i in new_items})}


# ---------------------------------------------------------------- helpers
def _item_id(source: str, question: str, answer: str) -> str:
    return f"{source}-" + hashlib.sha256(f"{question}\n{answer}".encode()).hexdigest()[:12]


def _reviewer(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DataError("a rating needs the reviewer's name")
    return name


def _scale(value: Any, name: str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise DataError(f"{name} must be a whole number from 1 to 5, got {value!r}") from None
    if not 1 <= number <= 5:
        raise DataError(f"{name} must be from 1 to 5, got {number}")
    return number


def _bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "y", "correct"):
        return True
    if text in ("0", "false", "no", "n", "incorrect"):
        return False
    raise DataError(f"{name} must be yes/no (1/0), got {value!r}")


def _mean(values: Any) -> float | None:
    values = [float(v) for v in values]
    return sum(values) / len(values) if values else None


def _hallucinated(rating: dict[str, Any]) -> bool:
    return (not rating["factually_correct"]) or bool(rating["unsupported_sentences"])


def human_labels(ratings: list[dict[str, Any]]) -> dict[str, bool]:
    """Per item: hallucinated by the majority of its reviewers (a tie counts as hallucinated)."""
    votes: dict[str, list[bool]] = {}
    for r in ratings:
        votes.setdefault(r["item_id"], []).append(_hallucinated(r))
    return {item: 2 * sum(v) >= len(v) for item, v in votes.items()}


def _item_dict(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["sentences"] = json.loads(d["sentences"])
    d["meta"] = json.loads(d["meta"] or "{}")
    d["auto_hallucinated"] = None if d["auto_hallucinated"] is None else bool(d["auto_hallucinated"])
    return d


def _rating_dict(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["factually_correct"] = bool(d["factually_correct"])
    d["unsupported_sentences"] = json.loads(d.pop("unsupported"))
    return d


def _examples_by_id(dataset: str | None, split: str | None, task: str) -> dict[str, Any]:
    if not dataset or not split:
        return {}
    from medtune.data.examples import load_examples

    return {e.id: e for e in load_examples(dataset, split, task)}


def _eval_item(row: dict[str, Any], example: Any, task: str, source_ref: str) -> dict[str, Any] | None:
    if get_task(task).review == "judged":
        if example is None:
            return None
        probs = row.get("probs") or {}
        return {"id": f"eval-{row['id']}", "answer": example.text, "evidence": example.text_pair, "source": "eval",
                "source_ref": source_ref, "auto_hallucinated": row.get("pred") == "hallucinated",
                "auto_score": probs.get("faithful"), "meta": {"gold": row.get("gold")}}
    scores = row.get("scores") or {}
    if not row.get("pred"):
        return None
    flag = scores.get("hallucination_rate")
    return {"id": f"eval-{row['id']}", "answer": row["pred"], "question": example.text if example else None,
            "evidence": example.text_pair if example else None, "source": "eval", "source_ref": source_ref,
            "auto_hallucinated": None if flag is None else bool(flag), "auto_score": scores.get("faithfulness"),
            "meta": {"reference": row.get("gold")}}


def _chat_pairs(row: dict[str, Any]) -> list[tuple[str | None, str]]:
    if isinstance(row.get("messages"), list):
        pairs, last_user = [], None
        for m in row["messages"]:
            if m.get("role") == "user":
                last_user = m.get("content")
            elif m.get("role") == "assistant" and m.get("content"):
                pairs.append((last_user, m["content"]))
        return pairs
    answer = row.get("answer") or row.get("assistant")
    return [(row.get("question") or row.get("user"), answer)] if answer else []
