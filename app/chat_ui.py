"""The Gradio chat (Blocks): chat, generator selector, patient / clinician switch, confidence badge with
per-sentence highlighting, the relevance verdict (or why the chat abstained), sources and reading grade; and a
model arena (base vs fine-tuned) when a local generative model with an adapter is configured. Mounted on
medtune's REST API by app/server.py.

UI only: every answer comes from `medtune.chat.pipeline.answer_stream`. Colour is never the only signal:
each band has an icon and a text label, each sentence an icon and its score.

Warm-up (issue 17): `medtune serve` loads the knowledge base, the encoder and the scorer in the background at
start. A status line under the heading follows it ("Loading models… 1/3: encoder", then "Ready"), and a question
asked meanwhile waits in a bubble that says so instead of an empty one.

Layout (issue 17): one column — conversation, question, then the answer check with its sources right under
the Ask button — so in the Chatbot page's iframe the sources are visible without scrolling inside the frame;
the conversation grows with its content up to a cap instead of opening scrolled to the middle of an answer.
"""

from __future__ import annotations

import html
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from medtune.rest_api import Warmup
from medtune.chat.generators import list_generators
from medtune.chat.pipeline import ChatResult, answer_stream
from medtune.chat.scoring import BANDS
from medtune.errors import MedtuneError

EXAMPLES = [
    "Can I take ibuprofen if I'm already on aspirin for heart disease?",
    "What are the symptoms of glaucoma?",
    "Is it safe to take acetaminophen with warfarin?",
]

CSS = """
.mt-badge {display:inline-block; padding:6px 12px; border-radius:8px; font-weight:600; border:2px solid;}
.mt-green {background:#dcfce7; border-color:#15803d; color:#14532d;}
.mt-yellow {background:#fef9c3; border-color:#a16207; color:#713f12;}
.mt-red {background:#fee2e2; border-color:#b91c1c; color:#7f1d1d;}
.mt-sent {padding:1px 3px; border-radius:4px; line-height:1.8;}
.mt-sent.mt-yellow {border-bottom:2px dashed #a16207;}
.mt-sent.mt-red {border-bottom:2px dotted #b91c1c;}
.mt-sources li {margin-bottom:6px;}
.mt-muted {color:#555; font-size:0.9em;}
.mt-rel {margin:6px 0; font-size:0.95em;}
.mt-warmup {margin:0; padding:4px 10px; border-radius:6px; display:inline-block; font-size:0.95em;}
.mt-warmup.mt-loading {background:#e0f2fe; color:#0c4a6e;}
.mt-warmup.mt-ready {background:#dcfce7; color:#14532d;}
.mt-warmup.mt-failed {background:#fef9c3; color:#713f12;}
"""
ABSTAINED_BADGE = "⚠ NOT ANSWERED: the trusted sources do not cover this question"
#: The bubble shown until the first words of the answer arrive (never an empty bubble).
CHECKING = "_Checking the trusted sources…_"
#: How often the status line and a waiting question look at the warm-up.
WARMUP_POLL_S = 0.5


# ----------------------------------------------------------------------------------------------- warm-up


def warmup_text(state: dict[str, Any]) -> str:
    """One line for the warm-up state of /api/health: "Loading models… 1/3: encoder", "Ready …", or ""."""
    done, total = len(state.get("steps", [])), len(Warmup.STEPS)
    if state.get("state") == "warming":
        current = Warmup.STEPS[min(done, total - 1)]
        return f"Loading models… {done}/{total}: {current}"
    if state.get("state") == "ready":
        return f"Ready: models loaded ({total}/{total}) in {state.get('seconds', 0):.0f} s"
    if state.get("state") == "failed":
        return f"Loading the models failed ({state.get('error')}); the first answer will try again, slowly"
    return ""


def warmup_html(state: dict[str, Any]) -> str:
    """The status line; plain glyphs (○ ✓ !) rather than emoji, which an offline machine may lack."""
    text = warmup_text(state)
    if not text:
        return ""
    kind, glyph = {"warming": ("loading", "○"), "ready": ("ready", "✓")}.get(state.get("state"), ("failed", "!"))
    return (f"<p class='mt-warmup mt-{kind}' role='status' aria-live='polite'>{glyph} {html.escape(text)}</p>")


def watch_warmup(warmup: Warmup) -> Callable[[], Iterator[str]]:
    """A page-load handler streaming the status line until the warm-up ends (one request per page, not a
    poll per second: the chat's calls share a rate limit)."""

    def watch() -> Iterator[str]:
        shown = None
        while True:
            state = warmup.to_dict()
            line = warmup_html(state)
            if line != shown:
                shown = line
                yield line
            if state["state"] != "warming":
                return
            time.sleep(WARMUP_POLL_S)

    return watch


def wait_for_warmup(warmup: Warmup | None) -> Iterator[str]:
    """While the models load, the text for the waiting answer's bubble, each time it changes."""
    shown = None
    while warmup is not None and warmup.state == "warming":
        text = f"_○ {warmup_text(warmup.to_dict())} — your answer starts when they are ready._"
        if text != shown:
            shown = text
            yield text
        time.sleep(WARMUP_POLL_S)


def badge_html(result: ChatResult) -> str:
    if result.emergency:
        return ('<div class="mt-badge mt-red" role="status" aria-label="Emergency">'
                "✖ Emergency: get help now</div>")
    if result.abstained:
        return (f'<div class="mt-badge mt-yellow" role="status" aria-label="Not answered">'
                f"{html.escape(ABSTAINED_BADGE)}</div>")
    band = BANDS[result.band]
    conf = f" · confidence {result.confidence:.2f}" if result.confidence is not None else ""
    return (f'<div class="mt-badge mt-{result.band}" role="status" aria-label="Confidence {result.band}: '
            f'{html.escape(band["label"])}">{band["icon"]} {result.band.upper()}: {html.escape(band["label"])}{conf}</div>')


def relevance_html(result: ChatResult) -> str:
    """Whether the answer answers what was asked; for an abstention, why (the pipeline's own message)."""
    rel = result.relevance or {}
    verdict, score = rel.get("verdict"), rel.get("score")
    shown = f" (relevance {score:.2f})" if isinstance(score, (int, float)) else ""
    if verdict == "relevant":
        return f"<p class='mt-rel' role='note'>✔ Answers the question asked{shown}</p>"
    if verdict == "partial":
        return (f"<p class='mt-rel' role='note'>⚠ May not answer exactly what you asked{shown}: "
                f"{html.escape(rel.get('message') or '')}</p>")
    if verdict == "not_relevant":
        reason = (rel.get("reason") or "").replace("_", " ")
        return (f"<p class='mt-rel' role='note'>✖ Not answered from the sources{shown}"
                f"{' — ' + html.escape(reason) if reason else ''}: {html.escape(rel.get('message') or '')}</p>")
    return ""


def sentences_html(result: ChatResult) -> str:
    parts = []
    for s in result.sentences:
        icon = BANDS[s["band"]]["icon"]
        parts.append(f'<span class="mt-sent mt-{s["band"]}" title="support {s["score"]:.2f} ({s["band"]})">'
                     f'{html.escape(s["text"])} <sup aria-label="{s["band"]}">{icon} {s["score"]:.2f}</sup></span>')
    notes = "".join(f"<p class='mt-muted'>{html.escape(n)}</p>" for n in result.notes)
    return (" ".join(parts) and f"<p>{' '.join(parts)}</p>") + notes


def sources_html(result: ChatResult) -> str:
    if not result.citations:
        return ""
    items = []
    for c in result.citations:
        title = html.escape(c["title"] or c["source"])
        link = (f'<a href="{html.escape(c["url"], quote=True)}" target="_blank" rel="noopener noreferrer">{title}</a>'
                if c["url"].startswith(("http://", "https://")) else title)
        trust = " <i>(added by a user: not checked)</i>" if c.get("provenance") == "user" else ""
        items.append(f"<li><b>{html.escape(c['source'])}</b>{trust}: {link}<br>"
                     f"<span class='mt-muted'>{html.escape(c['snippet'])}</span></li>")
    return f"<h4>Sources</h4><ol class='mt-sources'>{''.join(items)}</ol>"


def result_html(result: ChatResult) -> str:
    grade = f"Reading grade {result.readability} (Flesch-Kincaid)" if result.readability is not None else ""
    timing = f"{result.latency_ms:.0f} ms" + (f" · first token {result.ttft_ms:.0f} ms" if result.ttft_ms else "")
    checked = f"<h4>Checked against the sources</h4>{sentences_html(result)}" if result.sentences else ""
    return (f"{badge_html(result)}{relevance_html(result)}{checked}{sources_html(result)}"
            f"<p class='mt-muted'>{grade} · {result.generator} · {timing}</p>")


def chat_heading(result: ChatResult) -> str:
    if result.emergency:
        return "✖ EMERGENCY"
    if result.abstained:
        return "⚠ NOT ANSWERED FROM THE SOURCES"
    return f"{BANDS[result.band]['icon']} {result.band.upper()}"


def error_html(err: MedtuneError) -> str:
    return (f"<div class='mt-badge mt-red' role='alert'>✖ {html.escape(err.message)}</div>"
            f"<p class='mt-muted'>{html.escape(err.ui_hint)}</p>")


def respond(message: str, history: list[dict[str, Any]], generator: str, style: str, session: str,
            warmup: Warmup | None = None) -> Iterator[tuple[list[dict[str, Any]], str, str]]:
    """Stream the answer into the chat, then replace it with the checked answer and show the panel. The
    answer's bubble is never empty: it says the models are loading, then that the sources are checked,
    until the first words arrive."""
    history = [*history, {"role": "user", "content": message}, {"role": "assistant", "content": CHECKING}]
    yield history, "", "<p class='mt-muted'>Checking the trusted sources…</p>"
    for waiting in wait_for_warmup(warmup):
        history[-1] = {"role": "assistant", "content": waiting}
        yield history, "", "<p class='mt-muted'>Loading the models…</p>"
    history[-1] = {"role": "assistant", "content": CHECKING}
    yield history, "", "<p class='mt-muted'>Checking the trusted sources…</p>"
    answer = ""
    try:
        for event in answer_stream(message, generator=generator, style=style, session_id=session):
            if isinstance(event, ChatResult):
                history[-1] = {"role": "assistant", "content": f"**{chat_heading(event)}**\n\n{event.answer}"}
                yield history, "", result_html(event)
            else:
                answer += event
                history[-1] = {"role": "assistant", "content": answer or CHECKING}
                yield history, "", "<p class='mt-muted'>Answering…</p>"
    except MedtuneError as err:
        history[-1] = {"role": "assistant", "content": f"Sorry: {err.message}"}
        yield history, "", error_html(err)


def arena(message: str, style: str) -> tuple[str, str]:
    """The same question answered by the base model and the fine-tuned one, each with its confidence."""
    out = []
    for name in ("local-base", "local"):
        try:
            result = [e for e in answer_stream(message, generator=name, style=style) if isinstance(e, ChatResult)][-1]
            out.append(f"<p>{html.escape(result.answer)}</p>{result_html(result)}")
        except MedtuneError as err:
            out.append(error_html(err))
    return out[0], out[1]


def build_demo(warmup: Warmup | None = None) -> gr.Blocks:
    """The chat. `warmup` is the server's start-up warm-up (app/server.py passes `app.state.warmup`): its
    progress is shown under the heading, and questions wait for it."""
    generators = [g["name"] for g in list_generators() if g["configured"]]
    with gr.Blocks(title="medtune chatbot") as demo:
        session = gr.State(lambda: uuid.uuid4().hex)
        gr.Markdown("## Health questions, answered from trusted sources\nAnswers come from NIH, CDC and FDA "
                    "sources, with a confidence badge. **In an emergency, call your local emergency number.**")
        status = gr.HTML(warmup_html(warmup.to_dict()) if warmup else "", elem_id="mt-warmup-status")
        if warmup is not None:
            demo.load(watch_warmup(warmup), None, status, show_progress="hidden", concurrency_limit=None,
                      api_visibility="private")
        with gr.Tab("Chat"):
            with gr.Row():
                generator = gr.Dropdown(generators, value="embedded", label="Generator", scale=2)
                style = gr.Radio(["patient", "clinician"], value="patient", label="Style", scale=1)
            # Grows with the conversation up to the cap, so a new answer is seen from its start (a fixed
            # height opened scrolled mid-answer, issue 17).
            chat = gr.Chatbot(label="Conversation", height=None, min_height=160, max_height=460, buttons=["copy"])
            question = gr.Textbox(label="Your question", placeholder="Ask about a medicine, symptom or treatment")
            send = gr.Button("Ask", variant="primary")
            panel = gr.HTML("<p class='mt-muted'>The confidence, whether the sources answer the question, the "
                            "checked sentences and the sources appear here.</p>", label="Answer check")
            gr.Examples(EXAMPLES, inputs=question)

            def ask(message: str, history: list[dict[str, Any]], generator: str, style: str,
                    session: str) -> Iterator[tuple[list[dict[str, Any]], str, str]]:
                yield from respond(message, history, generator, style, session, warmup)

            # api_name kept as "respond": the REST rate-limit test and API users find the Ask call by it.
            for trigger in (send.click, question.submit):
                trigger(ask, [question, chat, generator, style, session], [chat, question, panel], api_name="respond")
        if "local-base" in generators:
            with gr.Tab("Model arena"):
                gr.Markdown("The same question, answered by the base model and by the fine-tuned run.")
                arena_q = gr.Textbox(label="Question")
                arena_style = gr.Radio(["patient", "clinician"], value="patient", label="Style")
                go = gr.Button("Compare", variant="primary")
                with gr.Row():
                    base_out = gr.HTML(label="Base model")
                    tuned_out = gr.HTML(label="Fine-tuned")
                go.click(arena, [arena_q, arena_style], [base_out, tuned_out])
    return demo
