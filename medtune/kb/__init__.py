"""The trusted knowledge base: a Chroma collection of sentence-preserving chunks with hybrid retrieval.

- `store.KnowledgeBase.open()` — the collection (embedded at settings.kb_path, or a server at MEDTUNE_CHROMA_URL);
  `.add_documents(docs)`, `.search(query, k, sources)`, `.stats()`.
- `build.build(sources, progress_cb, should_stop)` — resumable ingestion of MedQuAD, FDA labels and PubMed
  abstracts; `build.run_job(ctx)` is the `kb_build` job kind.
- `documents.documents_from_file(path)` — user text, markdown, PDF and CSV files with provenance.
- `pubmed.search_pubmed(query)` — NCBI E-utilities (rate-limited, cached), or the local abstracts offline.

Importing this package is cheap; chromadb and the model load on first use.
"""
