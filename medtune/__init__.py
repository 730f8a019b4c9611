"""medtune: fine-tune and evaluate language models on healthcare tasks.

Heavy libraries (torch, transformers, chromadb) are imported inside the functions that need them, so
importing `medtune` and running `medtune --help` stay fast.
"""

__version__ = "0.1.0"
