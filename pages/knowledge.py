"""Knowledge base: sources and counts, build (as a background job), add documents, search with highlights.

All work happens in medtune.kb; a build runs as a `kb_build` job in its own process, so leaving the page
does not stop it and the Jobs page shows its progress.
"""

from __future__ import annotations

import re

import streamlit as st

from app.ui import errors_shown, page_link
from medtune.kb.documents import SUPPORTED, documents_from_bytes
from medtune.kb.estimate import SourcePlan, default_selection, format_duration, running_builds, source_plans
from medtune.kb.retrieve import MODES, timed_search
from medtune.kb.snippets import snippet
from medtune.kb.store import AddReport, KnowledgeBase

SOURCE_LABELS = {"medquad": "MedQuAD (NIH, CDC, NCI pages)", "dailymed": "FDA drug labels (DailyMed)",
                 "pubmed": "PubMed abstracts", "user": "Your documents"}
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|$<>~:])")


def main() -> None:
    st.title("Knowledge base")
    st.caption("Trusted sources the checker and the chatbot cite: dense (MiniLM) + BM25 retrieval, fused.")
    kb = KnowledgeBase.open()
    with errors_shown():
        sources_section(kb)
    search_tab, add_tab, build_tab = st.tabs(["Search", "Add documents", "Build"])
    with search_tab, errors_shown():
        search_section(kb)
    with add_tab, errors_shown():
        add_section(kb)
    with build_tab, errors_shown():
        build_section(kb)


def sources_section(kb: KnowledgeBase) -> None:
    stats = kb.stats()
    st.caption(f"Store: `{stats['location']}`")
    if not stats["chunks"]:
        st.info("The knowledge base is empty: build it from the trusted sources (Build tab) or add documents.")
        return
    columns = st.columns(len(SOURCE_LABELS))
    for column, (name, label) in zip(columns, SOURCE_LABELS.items()):
        counts = stats["sources"].get(name, {"documents": 0, "chunks": 0})
        # The chunk count is a second figure, not a change: as a metric delta it drew a green '↑' (issue 21).
        column.metric(label, f"{counts['documents']:,} docs", border=True)
        column.caption(f"{counts['chunks']:,} chunks")


def search_section(kb: KnowledgeBase) -> None:
    with st.form("kb_search"):
        query = st.text_input("Search", placeholder="Can I take ibuprofen with low-dose aspirin?")
        left, middle, right = st.columns(3)
        k = left.slider("Results", 1, 20, 5)
        sources = middle.multiselect("Sources", list(SOURCE_LABELS), format_func=SOURCE_LABELS.get)
        mode = right.radio("Ranking", MODES, horizontal=True, help="hybrid = dense + BM25, fused by rank")
        submitted = st.form_submit_button("Search", icon=":material/search:")
    if not submitted or not query.strip():
        return
    results, latency_ms = timed_search(kb, query, k=k, sources=sources or None, mode=mode)
    st.caption(f"{len(results)} results in {latency_ms:.0f} ms")
    if not results:
        st.warning("No results. Is the knowledge base built, and do the selected sources have documents?")
    for n, result in enumerate(results, start=1):
        render_result(n, result, query)


def render_result(n: int, result, query: str) -> None:
    with st.container(border=True):
        title = result.title or result.doc_id
        link = f"[{_escape(title)}]({result.url})" if result.url else _escape(title)
        st.markdown(f"**{n}. {link}**  \n:blue-badge[{SOURCE_LABELS.get(result.source, result.source)}] "
                    f"score {result.score:.3f} · characters {result.start}–{result.end}")
        st.markdown(highlighted(result.text, query))


def highlighted(text: str, query: str) -> str:
    """Markdown of the whole chunk (at most ~700 characters, whole sentences) with the query's words marked
    (bold on a highlight, readable without colour). A shorter window cut the answering sentence off (issue 21)."""
    return "".join(f":orange-background[**{_escape(p.text)}**]" if p.match else _escape(p.text)
                   for p in snippet(text, query, max_chars=max(len(text), 1)))


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text).replace("\n", "  \n")


def add_section(kb: KnowledgeBase) -> None:
    files = st.file_uploader("Text, markdown, PDF or CSV (a `text` column, one document per row)",
                             type=[s.lstrip(".") for s in SUPPORTED], accept_multiple_files=True)
    if not st.button("Add to the knowledge base", disabled=not files, icon=":material/upload_file:"):
        return
    total = AddReport()
    for upload in files:
        docs = documents_from_bytes(upload.getvalue(), upload.name)
        total.merge(kb.add_documents(docs))
    st.success(f"{total.documents} documents: {total.added} chunks added, {total.skipped} already present.")


def build_section(kb: KnowledgeBase) -> None:
    plans = source_plans(kb)
    running = running_builds()
    st.dataframe([plan_row(plan, running.get(name)) for name, plan in plans.items()], hide_index=True,
                 key="kb_build_plan")
    # The default is what is neither built nor being built, so a reload never re-offers a finished source.
    chosen = st.multiselect("Sources to build", list(plans), default=default_selection(plans, set(running)),
                            format_func=SOURCE_LABELS.get, key="kb_build_sources")
    if chosen:
        remaining = sum(plans[name].remaining for name in chosen)
        seconds = sum(plans[name].estimate_s for name in chosen if not plans[name].built)
        st.caption(f"Selected: {remaining:,} chunks to embed, {format_duration(seconds)} at "
                   f"{plans[chosen[0]].chunks_per_s:.0f} chunks/s. Chunks already stored are skipped.")
    elif all(plan.built for plan in plans.values()):
        st.success("Every built-in source is built.", icon=":material/check_circle:")
    st.caption("A build is resumable: stopped or killed, it continues where it left off and never adds a chunk twice.")
    if st.button("Build in the background", disabled=not chosen, icon=":material/play_arrow:"):
        from medtune.jobs.manager import submit

        job_id = submit({"kind": "kb_build", "name": "kb-build-" + "-".join(chosen), "sources": chosen})
        st.success(f"Started job `{job_id}`; follow it on the Jobs page. Search uses each batch as it is stored.")
        page_link("jobs.py", "Open the Jobs page", icon=":material/work_history:")


def plan_row(plan: SourcePlan, job_id: str | None) -> dict[str, object]:
    if job_id:
        status = f"building (job {job_id})"
    elif plan.built:
        status = "built"
    elif plan.stored:
        status = f"partly built ({plan.stored / plan.chunks:.0%})"
    else:
        status = "not built" if plan.chunks else "no data here"
    return {"source": SOURCE_LABELS.get(plan.name, plan.name), "chunks": plan.chunks, "stored": plan.stored,
            "status": status, "time to build": "—" if plan.built or not plan.chunks else format_duration(plan.estimate_s)}


main()
