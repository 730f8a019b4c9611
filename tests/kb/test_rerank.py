"""Issue 21.3: a chunk whose answer lies past the 128 word pieces its vector saw still ranks first, because the
search looks at the unseen tails of its top candidates (medtune.kb.rerank). On a real store of every FDA label
section in ../shared/data (143 chunks)."""

from __future__ import annotations

import pytest

QUESTION = "Can I take ibuprofen with low-dose aspirin?"
ANSWER = "dailymed:ibuprofen:warnings:2"
ANSWERING = "ibuprofen may decrease this benefit of aspirin"


@pytest.fixture(scope="module")
def fda_kb(tmp_path_factory: pytest.TempPathFactory):
    from tests.conftest import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    from medtune.kb.sources import dailymed_documents
    from medtune.kb.store import KnowledgeBase

    kb = KnowledgeBase.open(path=tmp_path_factory.mktemp("fda_kb") / "kb")
    kb.add_documents(dailymed_documents())
    return kb


def test_the_answer_beyond_the_vectors_reach_ranks_first(fda_kb) -> None:
    from medtune.kb.embedding import MAX_SEQ_LENGTH, load_model

    results = fda_kb.search(QUESTION, k=5)
    assert results[0].id == ANSWER and ANSWERING in results[0].text, [r.id for r in results]
    # Why it needed the tails: the answering words start past what the stored vector saw ...
    indexed = f"{results[0].title}\n{results[0].text}"
    seen = load_model().tokenizer.decode(load_model().tokenizer(indexed)["input_ids"][:MAX_SEQ_LENGTH])
    assert "decrease this benefit" not in seen
    # ... and without them the chunk is not first (it was 5th).
    before = [r.id for r in fda_kb.search(QUESTION, k=5, tails=False)]
    assert before[0] != ANSWER and ANSWER in before
    assert results[0].dense > [r.dense for r in fda_kb.search(QUESTION, k=5, tails=False) if r.id == ANSWER][0]


def test_only_tails_with_unseen_query_words_are_embedded_within_the_budget(fda_kb) -> None:
    from medtune.kb.rerank import MAX_WINDOWS, unseen_tails

    ids = [r.id for r in fda_kb.search(QUESTION, k=10, tails=False)]
    tails = unseen_tails(QUESTION, fda_kb.get_chunks(ids), ids)
    assert [t.chunk_id for t in tails] == [ANSWER]  # the other long candidates' vectors saw the query words
    assert any(ANSWERING in w for w in tails[0].windows) and len(tails[0].windows) <= MAX_WINDOWS
    assert all(w.startswith("Ibuprofen — warnings\n") for w in tails[0].windows)
    assert unseen_tails("the of and", fda_kb.get_chunks(ids), ids) == []  # no query words: nothing to embed


def test_lexical_ranking_is_unchanged(fda_kb) -> None:
    lexical = fda_kb.search(QUESTION, k=5, mode="lexical")
    assert [r.id for r in lexical] == [r.id for r in fda_kb.search(QUESTION, k=5, mode="lexical", tails=False)]
    assert all(r.dense is None for r in lexical)
