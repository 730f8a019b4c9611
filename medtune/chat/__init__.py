"""The healthcare chatbot: safety triage, guardrails, generators and the answering pipeline.

`medtune.chat.pipeline.answer(question, generator=..., style=...)` is the one call the CLI, the REST API
(`medtune.rest_api`) and the Gradio chat (`app/chat_ui.py`) make. Importing this package loads nothing heavy.
"""
