"""Shared test helpers: a tiny knowledge base of trusted passages (a few chunks: seconds to embed)."""

from __future__ import annotations

from typing import Any

PASSAGES = {
    "hbp-treatment": (
        "High Blood Pressure (treatment)", "https://medlineplus.gov/highbloodpressure.html",
        "High blood pressure is treated with lifestyle changes and medicines. Most people with high blood "
        "pressure need to take blood pressure medicines as prescribed by their doctor. Stopping your medicines "
        "can make your blood pressure rise again. Garlic supplements have not been shown to cure high blood "
        "pressure."),
    "hbp-symptoms": (
        "High Blood Pressure (symptoms)", "https://www.nhlbi.nih.gov/health/high-blood-pressure",
        "High blood pressure usually has no symptoms. Many people do not know they have it. The only way to "
        "find out is to have your blood pressure checked."),
    "vitc": (
        "Vitamin C (information)", "https://ods.od.nih.gov/factsheets/VitaminC-Consumer/",
        "Vitamin C is an antioxidant found in citrus fruits. Taking vitamin C regularly does not prevent colds "
        "in most people. Vitamin C supplements may shorten colds slightly."),
    "ibuprofen": (
        "Ibuprofen label: warnings", "https://dailymed.nlm.nih.gov/dailymed/search.cfm?query=ibuprofen",
        "Ibuprofen may cause severe stomach bleeding. The chance is higher if you take more than directed or "
        "take it for a longer time than directed."),
}


def trusted_documents() -> list[Any]:
    from medtune.kb.sources import KBDocument

    return [KBDocument(source="medquad", doc_id=key, text=text, title=title, url=url, meta={"org": "NIH"})
            for key, (title, url, text) in PASSAGES.items()]


def build_small_kb(path: Any = None) -> Any:
    from medtune.kb.store import KnowledgeBase

    kb = KnowledgeBase.open(path=path)
    kb.add_documents(trusted_documents())
    return kb
