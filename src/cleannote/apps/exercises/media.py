"""A clinic's own picture or video of an exercise: which files are taken (by their first bytes,
not by the name or the browser's word), how large, and where they are kept (ADR 0970)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from cleannote.private_files import private_folder, write_private

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_VIDEO_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class MediaType:
    kind: str  # "image" or "video"
    content_type: str
    suffix: str


def sniff(head: bytes) -> MediaType | None:
    """The type the file's first bytes declare, among those a browser shows inline: JPEG, PNG,
    WebP, MP4 and WebM. Anything else (a PDF, a script named .jpg) is None."""
    if head.startswith(b"\xff\xd8\xff"):
        return MediaType("image", "image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return MediaType("image", "image/png", "png")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return MediaType("image", "image/webp", "webp")
    if head[4:8] == b"ftyp":
        return MediaType("video", "video/mp4", "mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return MediaType("video", "video/webm", "webm")
    return None


def check(data: bytes) -> tuple[MediaType | None, str]:
    """The file's type, or the reason it is refused, in words for the form."""
    kind = sniff(data[:16])
    if kind is None:
        return None, "Attach a JPEG, PNG or WebP picture, or an MP4 or WebM video."
    limit = MAX_IMAGE_BYTES if kind.kind == "image" else MAX_VIDEO_BYTES
    if len(data) > limit:
        return None, f"A {kind.kind} may be at most {limit // (1024 * 1024)} MB."
    return kind, ""


def media_root() -> Path:
    return Path(settings.CLEANNOTE_MEDIA_DIR)


def store(organisation_id: int, data: bytes, kind: MediaType) -> str:
    """Write the file owner-only under the media folder; the path returned is relative to it.
    The name is random, so it says nothing of the exercise or the clinic's upload."""
    folder = private_folder(media_root() / "exercises" / str(organisation_id))
    name = f"{uuid.uuid4().hex}.{kind.suffix}"
    write_private(folder / name, data)
    return f"exercises/{organisation_id}/{name}"


def read(relative: str) -> bytes | None:
    root = media_root().resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path.read_bytes()
