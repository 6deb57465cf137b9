"""What a request carries: its media type, its body (read within a time limit), and the representation it accepts."""

from __future__ import annotations

import asyncio

from starlette.requests import ClientDisconnect, Request

from .problems import Problem


def media_type(request: Request) -> str:
    """The Content-Type without parameters, lower-cased ("" when there is none)."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def read_body(request: Request, accepted: tuple[str, ...], *, limit: int, timeout: float) -> bytes:
    """The whole body, if its media type is one of `accepted`, it has at most `limit` bytes and arrives within `timeout` s.

    A body over the limit is refused from its Content-Length when it declares one, else as soon as it passes the limit.
    """
    kind = media_type(request)
    if kind not in accepted:
        given = f"not {kind}" if kind else "and no Content-Type was given"
        if kind == "application/x-www-form-urlencoded":  # what `curl -d` sends unless told otherwise
            given += f" (with curl, add -H 'Content-Type: {accepted[0]}')"
        raise Problem(
            "unsupported-media-type",
            f"send the body as {' or '.join(accepted)}, {given}",
            accepted=list(accepted),
            headers={"Accept-Post": ", ".join(accepted)},
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                chunks.append(chunk)
    except TimeoutError:
        raise Problem("request-timeout", f"the request body did not arrive within {timeout:g} s", headers={"Connection": "close"}) from None
    except ClientDisconnect:
        raise Problem("client-closed", "the client closed the connection before the body arrived") from None
    return b"".join(chunks)


def _too_large(limit: int) -> Problem:
    # the rest of the body is not read, so the connection cannot carry another request
    return Problem("body-too-large", f"the request body is larger than {limit} bytes", limit=limit, headers={"Connection": "close"})


def json_text(body: bytes) -> str:
    """A JSON body as text (JSON is UTF-8: RFC 8259 §8.1)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Problem("malformed-json", f"malformed JSON: the body is not UTF-8 (byte {err.start})") from None


def _quality(accept: str, media: str) -> float:
    """The q-value `accept` gives `media`, from its most specific matching range (RFC 9110 §12.5.1)."""
    kind = media.split("/", 1)[0]
    best, specificity = 0.0, -1
    for item in accept.split(","):
        name, *params = (part.strip() for part in item.split(";"))
        name = name.lower()
        rank = 2 if name == media else 1 if name == f"{kind}/*" else 0 if name == "*/*" else -1
        if rank <= specificity:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        best, specificity = q, rank
    return best


def wants_text(accept: str | None) -> bool:
    """Whether the client prefers the plain-text report to JSON (JSON when it has no preference)."""
    if not accept:
        return False
    return _quality(accept, "text/plain") > _quality(accept, "application/json")
