"""Chat templates (Jinja, as tokenizers use them) for models whose tokenizer ships none.

`llama-2` follows Meta's reference `[INST]`/`<<SYS>>` format (llama/generation.py, chat_completion);
`mistral` is Mistral's `[INST]` format without a system block; `plain` is a readable format for base models
and the tiny test models. Each keeps the rendered prompt a strict prefix of prompt + answer, which trl's
completion-only loss relies on to find where the answer starts.
"""

from __future__ import annotations

LLAMA2 = (
    "{% if messages[0]['role'] == 'system' %}{% set sys = '<<SYS>>\\n' + messages[0]['content'] + '\\n<</SYS>>\\n\\n' %}"
    "{% set messages = messages[1:] %}{% else %}{% set sys = '' %}{% endif %}"
    "{% for message in messages %}{% if message['role'] == 'user' %}"
    "{{ bos_token + '[INST] ' + (sys if loop.first else '') + message['content'].strip() + ' [/INST]' }}"
    "{% else %}{{ ' ' + message['content'].strip() + ' ' + eos_token }}{% endif %}{% endfor %}"
)
MISTRAL = (
    "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}"
    "{{ '[INST] ' + message['content'] + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}"
)
PLAIN = (
    "{% for message in messages %}{% if message['role'] == 'system' %}{{ message['content'] + '\\n\\n' }}"
    "{% elif message['role'] == 'user' %}{{ '### Question:\\n' + message['content'] + '\\n\\n### Answer:\\n' }}"
    "{% else %}{{ message['content'] + eos_token + '\\n' }}{% endif %}{% endfor %}"
)

TEMPLATES = {"llama-2": LLAMA2, "mistral": MISTRAL, "plain": PLAIN}


def get_template(name: str | None) -> str:
    return TEMPLATES.get(name or "plain", PLAIN)
