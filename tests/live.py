"""Real concurrency for tests: the app served over HTTP, and requests released all at once."""
from __future__ import annotations

import http.client
import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator
from urllib.parse import urlsplit


@contextmanager
def served(app) -> Iterator[str]:
    """APP over HTTP on a free loopback port (werkzeug's threaded server: a thread and a
    database connection per request); yields its base address."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@dataclass
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: dict | None = None


@dataclass
class Answer:
    status: int
    location: str
    text: str

    def json(self) -> dict:
        """The body as JSON, or {"message": its first 500 characters} when it is not JSON."""
        try:
            return json.loads(self.text)
        except ValueError:
            return {"message": self.text[:500]}


def all_at_once(base: str, requests: list[Request], *, timeout: float = 120) -> list[Answer]:
    """Send REQUESTS to BASE together, each from its own thread behind one barrier; the answers
    (redirects are not followed), in the order they came."""
    address = urlsplit(base)
    barrier = threading.Barrier(len(requests))
    answers: list[Answer] = []

    def send(request: Request) -> None:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=timeout)
        try:
            barrier.wait(timeout=60)
            connection.request(request.method, request.path, body=request.body,
                               headers={"Content-Length": str(len(request.body)),
                                        **(request.headers or {})})
            response = connection.getresponse()
            answers.append(Answer(response.status, response.getheader("Location") or "",
                                  response.read().decode(errors="replace")))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout + 60)
    assert len(answers) == len(requests), "a request got no answer"
    return answers
