"""The text a PDF shows, read the way a viewer would for reportlab's output (ASCII85 then
Flate page streams, standard-font strings), so tests need no PDF library."""

from __future__ import annotations

import base64
import re
import zlib

_STREAM = re.compile(rb"<<((?:(?!<<|>>).)*)>>\s*stream\r?\n(.*?)\s*endstream", re.S)
_STRING = re.compile(rb"\((?:\\.|[^\\()])*\)")


def _decode(header: bytes, data: bytes) -> bytes:
    if b"ASCII85Decode" in header:
        data = base64.a85decode(data.strip(), adobe=True)
    if b"FlateDecode" in header:
        data = zlib.decompress(data)
    return data


def _unescape(literal: bytes) -> str:
    body = literal[1:-1]
    body = re.sub(rb"\\([()\\])", rb"\1", body)
    return body.decode("latin-1")


def pdf_text(content: bytes) -> str:
    """Every string the pages draw, one per line."""
    shown = []
    for header, data in _STREAM.findall(content):
        if b"/Subtype" in header:  # images, fonts: not page text
            continue
        stream = _decode(header, data)
        shown += [_unescape(m) for m in _STRING.findall(stream)]
    return "\n".join(shown)
