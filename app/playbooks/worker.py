"""The process templates render in: hard memory and time limits that no single C call can outlive.

The sandbox (`app.playbooks.sandbox`) sizes every growing operation before it runs and the render
stops at a deadline, but both are checks made by Python code in the rendering process; a bug in
one of them, or one long C-level call, would take that process's memory and time with it. So the
render itself runs in a small worker process (`python -m app.playbooks.worker`, importing only
Jinja2 and the sandbox, ≈ 25 MB):

- its address space is capped with `RLIMIT_AS` (`MEMORY_LIMIT_BYTES`) before it reads its first
  template, so an allocation past it fails inside the worker (a `MemoryError`, reported as such)
  and never in the app or the CLI;
- the parent waits `time_limit + KILL_GRACE_SECONDS` for the answer and then kills the worker
  (SIGKILL, which a C call cannot ignore), answering "took too long";
- inside the worker the `sys.settrace` deadline stops an ordinary slow render cleanly at
  `time_limit`, so the worker survives it.

The worker is started once and kept (a keystroke preview costs one round trip through a pipe,
not a process start). After it is killed or runs out of memory a fresh one is started at once,
before anyone asks, so the next render does not wait for Python to start. Renders are serialised
through one lock: each takes well under a millisecond, and a hostile one at most the time limit.

Requests and answers are length-prefixed JSON frames on the worker's stdin and stdout: template
texts and variable values in, rendered texts or an error kind and message out.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from types import FrameType
from typing import IO, Any

from jinja2 import Template as CompiledTemplate
from jinja2.exceptions import SecurityError, UndefinedError

from app.playbooks.sandbox import OutputTooLarge, PlaybookEnvironment

MEMORY_LIMIT_BYTES = 256 * 2**20
"""The worker's whole address space (interpreter, Jinja2 and the render): ten times what it needs."""
KILL_GRACE_SECONDS = 0.25
"""How long past the time limit the parent waits before it kills the worker."""
START_TIMEOUT_SECONDS = 30.0
"""How long a new worker may take to start (Python's start-up on a loaded machine)."""

_HEADER = struct.Struct("!I")
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])


class RenderTimeout(BaseException):
    """The render ran past its deadline (a BaseException so that no `except Exception` on the way swallows it)."""


class WorkerError(Exception):
    """A render failed; `kind` says how: timeout, too_large, memory, security, undefined, recursion, other."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise `RenderTimeout` in this thread's Python code once `seconds` have passed."""
    end = time.monotonic() + seconds
    previous = sys.gettrace()

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > end:
            raise RenderTimeout()
        return trace

    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)


@lru_cache(maxsize=16)
def environment(max_chars: int) -> PlaybookEnvironment:
    """One sandbox per size limit; rendering never changes it (the environment is immutable in use)."""
    return PlaybookEnvironment(max_chars=max_chars)


@lru_cache(maxsize=512)
def _compile(env: PlaybookEnvironment, source: str) -> CompiledTemplate:
    """Compiling dominates a render; a live preview re-renders the same text on every keystroke."""
    return env.from_string(source)


def render_source(
    source: str, context: Mapping[str, Any], *, env: PlaybookEnvironment, max_chars: int
) -> str:
    """Render one text in the sandbox, stopping as soon as the output passes `max_chars`."""
    compiled = _compile(env, source)
    parts: list[str] = []
    size = 0
    for part in compiled.generate(dict(context)):
        size += len(part)
        if size > max_chars:
            raise OutputTooLarge(f"the text would be longer than {max_chars:,} characters")
        parts.append(part)
    return "".join(parts)


def render_texts(
    texts: Sequence[str | None],
    context: Mapping[str, str],
    *,
    max_chars: int,
    time_limit: float,
) -> list[str | None]:
    """Render several texts (a subject and a body) in this process, under one deadline.

    Every failure is a `WorkerError`; this is what the worker runs for each request.
    """
    env = environment(max_chars)
    try:
        with deadline(time_limit):
            return [
                None if text is None else render_source(text, context, env=env, max_chars=max_chars)
                for text in texts
            ]
    except RenderTimeout:
        raise WorkerError("timeout", f"rendering took longer than {time_limit:g} s") from None
    except OutputTooLarge as exc:
        raise WorkerError("too_large", str(exc)) from None
    except MemoryError:
        raise WorkerError("memory", "the render needed more memory than allowed") from None
    except SecurityError as exc:
        raise WorkerError("security", f"refused by the sandbox: {exc}") from None
    except UndefinedError as exc:
        raise WorkerError("undefined", str(exc)) from None
    except RecursionError:
        raise WorkerError("recursion", "the template nests too deeply to render") from None
    except Exception as exc:  # noqa: BLE001 - authored text must never crash the app or the CLI
        raise WorkerError("other", f"could not be rendered: {type(exc).__name__}: {exc}") from None


def _write_frame(stream: IO[bytes], payload: Mapping[str, Any]) -> None:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exact(fd: int, size: int, until: float | None) -> bytes | None:
    """`size` bytes from `fd`; None at end of file or when `until` (a monotonic time) passes."""
    chunks: list[bytes] = []
    while size:
        if until is not None:
            remaining = until - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                return None
        chunk = os.read(fd, size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int, until: float | None = None) -> dict[str, Any] | None:
    header = _read_exact(fd, _HEADER.size, until)
    if header is None:
        return None
    body = _read_exact(fd, _HEADER.unpack(header)[0], until)
    return None if body is None else json.loads(body.decode("utf-8"))


def limit_memory(limit: int = MEMORY_LIMIT_BYTES) -> None:
    """Cap this process's address space (where the platform has `resource`)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on the platforms cxgov runs on
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def serve(memory_limit: int = MEMORY_LIMIT_BYTES) -> None:
    """The worker's loop: limit memory, say ready, answer requests until stdin closes."""
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must not corrupt the protocol
    limit_memory(memory_limit)
    _write_frame(replies, {"ready": True})
    while True:
        request = _read_frame(0)
        if request is None:
            return
        try:
            texts = render_texts(
                request["texts"],
                request["context"],
                max_chars=int(request["max_chars"]),
                time_limit=float(request["time_limit"]),
            )
            reply: dict[str, Any] = {"texts": texts}
        except WorkerError as exc:
            reply = {"error": exc.kind, "message": str(exc)}
        try:
            _write_frame(replies, reply)
        except MemoryError:
            _write_frame(replies, {"error": "memory", "message": "the answer was too large"})


class RenderWorker:
    """The parent's handle on one worker process; thread-safe; restarts the worker when it dies."""

    def __init__(self, memory_limit: int = MEMORY_LIMIT_BYTES) -> None:
        self.memory_limit = memory_limit
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._ready = False

    def _start(self) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                p for p in (_PACKAGE_PARENT, os.environ.get("PYTHONPATH")) if p
            ),
        }
        self._process = subprocess.Popen(
            [sys.executable, "-m", "app.playbooks.worker", str(self.memory_limit)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self._ready = False

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()

    def _restart(self) -> None:
        self._stop()
        self._start()

    def render(
        self,
        texts: Sequence[str | None],
        context: Mapping[str, str],
        *,
        max_chars: int,
        time_limit: float,
    ) -> list[str | None]:
        """Render `texts` in the worker; `WorkerError` when it fails, is killed or dies."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._restart()
            process = self._process
            assert process is not None and process.stdin is not None and process.stdout is not None
            fd = process.stdout.fileno()
            if not self._ready:
                if _read_frame(fd, time.monotonic() + START_TIMEOUT_SECONDS) is None:
                    self._restart()
                    raise WorkerError("other", "the render worker did not start")
                self._ready = True
            request = {
                "texts": list(texts),
                "context": dict(context),
                "max_chars": max_chars,
                "time_limit": time_limit,
            }
            try:
                _write_frame(process.stdin, request)
            except (BrokenPipeError, OSError):
                self._restart()
                raise WorkerError("other", "the render worker stopped; try again") from None
            reply = _read_frame(fd, time.monotonic() + time_limit + KILL_GRACE_SECONDS)
            if reply is None:
                died = process.poll() is not None
                self._restart()
                if died:
                    raise WorkerError("memory", "the render needed more memory than allowed")
                raise WorkerError("timeout", f"rendering took longer than {time_limit:g} s")
            if "error" in reply:
                if reply["error"] in ("memory", "timeout"):
                    self._restart()
                raise WorkerError(str(reply["error"]), str(reply["message"]))
            return list(reply["texts"])

    def close(self) -> None:
        with self._lock:
            self._stop()


_SHARED = RenderWorker()
atexit.register(_SHARED.close)


def shared_worker() -> RenderWorker:
    """The process's render worker (started on first use)."""
    return _SHARED


if __name__ == "__main__":
    serve(int(sys.argv[1]) if len(sys.argv) > 1 else MEMORY_LIMIT_BYTES)
