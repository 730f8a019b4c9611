"""Aggregates the dashboard and the CLI show: distributions, aspect × polarity counts, the most negative
aspects with representative quotes, trends over time, filters, and agreement between models."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from medtune.sentiment.analyze import ReviewResult
from medtune.sentiment.aspects import Taxonomy
from medtune.sentiment.polarity import LABELS


def summarize(results: Sequence[ReviewResult], taxonomy: Taxonomy) -> dict[str, Any]:
    overall = Counter(r.overall for r in results)
    intensity = Counter(r.intensity for r in results)
    return {
        "n": len(results),
        "overall": {label: overall.get(label, 0) for label in LABELS},
        "intensity": {level: intensity.get(level, 0) for level in range(1, 6)},
        "aspects": aspect_table([r.aspects for r in results], taxonomy),
        "dissatisfied": sum(1 for r in results if r.flags.get("dissatisfaction")),
    }


def aspect_table(aspects: Sequence[dict[str, str]], taxonomy: Taxonomy) -> list[dict[str, Any]]:
    """One row per aspect from each review's {aspect: polarity}: mentions, counts per polarity, negative share."""
    rows = []
    for aspect in taxonomy.aspects:
        counts = Counter(a[aspect.name] for a in aspects if aspect.name in a)
        mentions = sum(counts.values())
        rows.append({"aspect": aspect.name, "label": aspect.label, "mentions": mentions,
                     **{label: counts.get(label, 0) for label in LABELS},
                     "negative_share": round(counts.get("negative", 0) / mentions, 3) if mentions else 0.0})
    return rows


def most_negative(results: Sequence[ReviewResult], taxonomy: Taxonomy, *, top: int = 3,
                  quotes: int = 3, min_mentions: int = 1) -> list[dict[str, Any]]:
    """Aspects ranked by negative mentions, each with its most strongly negative evidence quotes."""
    ranked = sorted((r for r in aspect_table([r.aspects for r in results], taxonomy) if r["negative"] >= min_mentions),
                    key=lambda r: (-r["negative"], -r["negative_share"]))[:top]
    out = []
    for row in ranked:
        name = row["aspect"]
        neg = [r for r in results if r.aspects.get(name) == "negative"]
        neg.sort(key=lambda r: r.aspect_scores.get(name, 0.0))
        seen: set[str] = set()
        picked = []
        for r in neg:
            quote = r.evidence[name]
            if quote.lower() not in seen:
                seen.add(quote.lower())
                picked.append({"id": r.id, "quote": quote, "score": r.aspect_scores.get(name)})
            if len(picked) >= quotes:
                break
        out.append({**row, "quotes": picked})
    return out


def parse_date(value: Any) -> Any:
    """A pandas Timestamp for the date formats the review sets use ("May 30, 2011", "02/03/2020", ISO), or None."""
    import pandas as pd

    if value in (None, ""):
        return None
    for kwargs in ({"format": "ISO8601"}, {"format": "%B %d, %Y"}, {"dayfirst": True}):
        try:
            return pd.to_datetime(str(value), **kwargs)
        except (ValueError, TypeError):
            continue
    return None


def trend(results: Sequence[ReviewResult], freq: str = "M") -> list[dict[str, Any]]:
    """Per period (month by default): reviews and the share of each overall label. Empty without dates."""
    import pandas as pd

    rows = [(parse_date(r.meta.get("date")), r.overall) for r in results]
    rows = [(d, o) for d, o in rows if d is not None]
    if not rows:
        return []
    df = pd.DataFrame(rows, columns=["date", "overall"])
    df["period"] = df["date"].dt.to_period(freq).dt.start_time
    table = df.groupby(["period", "overall"]).size().unstack(fill_value=0)
    out = []
    for period, counts in table.iterrows():
        n = int(counts.sum())
        out.append({"period": period.date().isoformat(), "n": n,
                    **{label: round(int(counts.get(label, 0)) / n, 3) for label in LABELS}})
    return out


def filter_results(results: Sequence[ReviewResult], *, site: str | None = None, drug: str | None = None,
                   condition: str | None = None, start: Any = None, end: Any = None) -> list[ReviewResult]:
    """Reviews matching every given filter (dates inclusive; reviews without a date fail a date filter)."""
    out = []
    for r in results:
        if site and r.meta.get("site") != site or drug and r.meta.get("drug") != drug:
            continue
        if condition and r.meta.get("condition") != condition:
            continue
        if start is not None or end is not None:
            d = parse_date(r.meta.get("date"))
            if d is None or (start is not None and d.date() < start) or (end is not None and d.date() > end):
                continue
        out.append(r)
    return out


def facet_values(results: Sequence[ReviewResult], key: str) -> list[str]:
    return sorted({str(r.meta[key]) for r in results if r.meta.get(key) not in (None, "")})


def compare_models(labels: dict[str, list[str]]) -> dict[str, Any]:
    """Agreement between models labelling the same reviews: pairwise table, mean agreement, Cohen/Fleiss κ."""
    from medtune.eval.agreement import cohen_kappa, fleiss_kappa, make_ratings, pairwise_agreement, pairwise_table

    data = make_ratings(labels)
    return {"pairs": pairwise_table(data), "agreement": pairwise_agreement(data),
            "cohen_kappa": cohen_kappa(data), "fleiss_kappa": fleiss_kappa(data), "n": data.n}


def highlight_html(result: ReviewResult) -> str:
    """The review with each aspect's evidence marked (red negative, green positive, grey neutral)."""
    import html

    colours = {"negative": "#f8d7da", "positive": "#d4edda", "neutral": "#e2e3e5"}
    marks = sorted(((span[0], span[1], name, result.aspects[name]) for name, span in result.spans.items()),
                   key=lambda m: m[0])
    out, pos = [], 0
    for start, end, _name, label in marks:
        if start < pos:
            continue  # two aspects share a clause: mark it once, name both in the title
        names = [n for n, s in result.spans.items() if s[0] == start]
        out.append(html.escape(result.text[pos:start]))
        title = ", ".join(f"{n}: {result.aspects[n]}" for n in names)
        out.append(f'<mark style="background:{colours[label]}" title="{html.escape(title)}">'
                   f"{html.escape(result.text[start:end])}</mark>")
        pos = end
    out.append(html.escape(result.text[pos:]))
    return "".join(out)
