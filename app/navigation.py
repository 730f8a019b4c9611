"""The app's pages, listed once: app/main.py builds the navigation from this list and the Home page its
"Where to start" links (issue 18.6: the two lists had drifted apart)."""

from __future__ import annotations

from typing import NamedTuple


class PageEntry(NamedTuple):
    section: str
    filename: str  # in the top-level pages/ folder
    title: str
    icon: str
    start: str | None = None  # the Home page's "Where to start" link text; None = not linked from Home


NAVIGATION = [
    PageEntry("Start", "home.py", "Home", ":material/home:"),
    PageEntry("Data & training", "datasets.py", "Datasets", ":material/dataset:", "Browse and prepare datasets"),
    PageEntry("Data & training", "train.py", "Train", ":material/model_training:", "Fine-tune a model"),
    PageEntry("Data & training", "jobs.py", "Jobs", ":material/work_history:", "Follow training and evaluation jobs"),
    PageEntry("Evaluation", "evaluation.py", "Evaluation", ":material/analytics:", "Evaluate and compare models"),
    PageEntry("Evaluation", "review.py", "Expert review", ":material/rate_review:"),
    PageEntry("Trusted sources", "knowledge.py", "Knowledge base", ":material/library_books:",
              "Build the knowledge base"),
    PageEntry("Trusted sources", "checker.py", "Misinformation checker", ":material/fact_check:",
              "Check a health claim"),
    PageEntry("Trusted sources", "chatbot.py", "Chatbot", ":material/chat:", "Ask the chatbot"),
    PageEntry("Analytics", "sentiment.py", "Sentiment", ":material/sentiment_satisfied:", "Analyse reviews"),
]


def start_links() -> list[PageEntry]:
    """The pages Home links to under "Where to start", in navigation order."""
    return [page for page in NAVIGATION if page.start]
