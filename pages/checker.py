"""Misinformation checker: paste a claim or upload a CSV of claims → verdict, calibrated trust score, band
(colour, text label and icon), evidence with source links, and each sentence highlighted by its verdict."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # a page run on its own (AppTest.from_file) still finds app.ui
    sys.path.insert(0, _ROOT)
# Run on its own, the page's folder is on sys.path, and pages/datasets.py would then shadow Hugging Face's
# `datasets` package (which sentence-transformers imports when the knowledge base first embeds a query).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import streamlit as st  # noqa: E402

from app import ui  # noqa: E402

RESULT, BATCH = "checker_result", "checker_batch"
EXAMPLES = ["Vitamin C prevents COVID-19",
            "Garlic can completely cure high blood pressure, so you don't need medications",
            "High blood pressure usually has no symptoms."]
BAND_STYLE = {"green": ("success", "green"), "yellow": ("warning", "orange"), "red": ("error", "red")}
# What the verdict means, in words: a red band says *which* kind of red it is (contradicted: false, or
# misleading), and a missing source is yellow, never red (issue 14's band rule, issue 17).
VERDICT_TEXT = {
    "true": "The trusted sources support this claim.",
    "false": "The trusted sources contradict this claim.",
    "misleading": "Misleading: the sources support part of this claim, but not what it concludes or advises.",
    "unverifiable": "Unverifiable: the trusted sources found do not settle this claim (no evidence for or against).",
}
SENTENCE_STYLE = {"supported": ("green", "✔ supported"), "contradicted": ("red", "✖ contradicted"),
                  "conflicting": ("orange", "⚠ conflicting evidence"),
                  "not_enough_info": ("gray", "? not enough information")}
STANCE_STYLE = {"supports": ("green", "✔ supports"), "refutes": ("red", "✖ refutes"), "neutral": ("gray", "– neutral")}
HEAVY = ("medtune.verify.checker", "transformers:AutoTokenizer")


def checker() -> Any:
    from medtune.verify.checker import default_checker

    return default_checker()


def run_one(claim: str, k: int) -> None:
    with ui.errors_shown(), st.spinner("Retrieving evidence and verifying…"), ui.heavy_section(*HEAVY):
        chk = checker()
        chk.k = k
        st.session_state[RESULT] = chk.check(claim).to_dict()


def run_batch(data: bytes, name: str, k: int) -> None:
    from medtune.verify.checker import claims_from_csv

    with ui.errors_shown():
        items = claims_from_csv(data, name)
        with st.spinner(f"Checking {len(items)} claims…"), ui.heavy_section(*HEAVY):
            chk = checker()
            chk.k = k
            st.session_state[BATCH] = [chk.check(text, claim_id).to_dict() for claim_id, text in items]


# ---------------------------------------------------------------------------------------------- rendering


def render_band(result: dict[str, Any]) -> None:
    """Colour plus icon plus words: the band reads the same without colour."""
    kind, _ = BAND_STYLE[result["band"]]
    text = (f"**{result['verdict'].upper()}** · trust {result['trust']:.2f} · "
            f"{result['band']} band: {result['band_label']}  \n{VERDICT_TEXT[result['verdict']]}")
    getattr(st, kind)(text, icon=result["band_icon"])
    cols = st.columns(3)
    cols[0].metric("Verdict", result["verdict"])
    cols[1].metric("Trust score", f"{result['trust']:.2f}")
    cols[2].metric("Band", f"{result['band_icon']} {result['band']}")
    for reason in result["reasons"]:
        st.markdown(f"- {reason}")
    if result.get("note"):
        st.info(result["note"])
    if result.get("redacted"):
        st.caption(f"Personal identifiers removed before checking: {', '.join(result['redacted'])}")


def render_sentences(result: dict[str, Any]) -> None:
    st.subheader("Part by part")
    parts = []
    for s in result["sentences"]:
        colour, label = SENTENCE_STYLE[s["label"]]
        role = "conclusion" if s.get("role") == "conclusion" else "claim"
        safe = s["text"].replace("[", "(").replace("]", ")")
        parts.append(f":{colour}-background[{safe}] **({role}: {label}, trust {s['trust']:.2f})**")
    st.markdown("  \n".join(parts) or "_no checkable sentence_")
    render_misleading_parts(result)


def render_misleading_parts(result: dict[str, Any]) -> None:
    """A misleading claim shows both what the sources support and what they do not."""
    if result["verdict"] != "misleading":
        return
    sentences = result["sentences"]
    supported = [sentences[i]["text"] for i in result.get("supported_parts", [])]
    unsupported = [sentences[i]["text"] for i in result.get("unsupported_parts", [])]
    if supported:
        st.markdown("**✔ Supported by the sources:** " + " · ".join(supported))
    if unsupported:
        st.markdown("**✖ Not supported by the sources:** " + " · ".join(unsupported))


def render_evidence(result: dict[str, Any], limit: int = 8) -> None:
    st.subheader("Evidence")
    evidence = sorted(result["evidence"], key=lambda e: -max(e["support"], e["contradiction"]))[:limit]
    if not evidence:
        st.caption("No evidence was retrieved.")
    for ev in evidence:
        colour, label = STANCE_STYLE[ev["stance"]]
        title = ev["title"] or ev["source"]
        link = f"[{title}]({ev['url']})" if ev["url"] else title
        st.markdown(f":{colour}-badge[{label}] {link} · {ev['source']} · retrieval {ev['score']:.2f} · "
                    f"P(supports) {ev['support']:.2f} · P(refutes) {ev['contradiction']:.2f}")
        st.caption(ev["passage"][:400])


def render_result(result: dict[str, Any]) -> None:
    render_band(result)
    render_sentences(result)
    render_evidence(result)
    st.caption(f"Verifier: {result['verifier']} · calibration: {result['calibration']} · {result['latency_ms']:.0f} ms")
    st.caption(f"Bands: {result.get('band_rule', '')}")


def render_batch(rows: list[dict[str, Any]]) -> None:
    table = [{"id": r["id"], "claim": r["claim"], "verdict": f"{r['band_icon']} {r['verdict']}", "trust": r["trust"],
              "band": r["band"], "top source": _top_url(r)} for r in rows]
    st.dataframe(table, hide_index=True, width="stretch")
    import json

    st.download_button("Download results (JSONL)", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows),
                       file_name="checked_claims.jsonl", key="checker_download")
    choice = st.selectbox("Details for", range(len(rows)), format_func=lambda i: f"{rows[i]['id']}: {rows[i]['claim'][:80]}",
                          key="checker_pick")
    if choice is not None:
        render_result(rows[choice])


def _top_url(row: dict[str, Any]) -> str:
    ranked = sorted(row["evidence"], key=lambda e: -max(e["support"], e["contradiction"]))
    return ranked[0]["url"] if ranked else ""


# ---------------------------------------------------------------------------------------------- page

st.title("Misinformation checker")
st.caption("Checks a health claim against the trusted knowledge base (MedQuAD, FDA labels, PubMed) with a trained "
           "verifier. The trust score is calibrated: a trust of 0.8 means such claims were supported about 80% of "
           "the time on labelled data. Not medical advice.")
k = st.slider("Documents searched per claim part", 1, 10, 6, key="checker_k")
mode = st.radio("Input", ["Paste a claim", "Upload a CSV of claims"], horizontal=True, key="checker_mode")
if mode == "Paste a claim":
    example = st.selectbox("Or start from an example", ["—", *EXAMPLES], key="checker_example")
    claim = st.text_area("Claim", value="" if example == "—" else example, key=f"checker_claim_{example}",
                         placeholder="e.g. Vitamin C prevents COVID-19")
    if st.button("Check", type="primary", key="checker_run", disabled=not claim.strip()):
        run_one(claim, k)
    if st.session_state.get(RESULT):
        render_result(st.session_state[RESULT])
else:
    upload = st.file_uploader("CSV with a `claim` column (and optionally `id`)", type=["csv", "tsv"], key="checker_csv")
    if st.button("Check all", type="primary", key="checker_run_csv", disabled=upload is None):
        run_batch(upload.getvalue(), upload.name, k)
    if st.session_state.get(BATCH):
        render_batch(st.session_state[BATCH])
