"""Body regions a block treats, and which of them have a side.

Regions are free text on a block (`Service.body_regions`, lower-cased by the note page). A
region is sided when it names a limb or a paired joint: a block there treats the left, the
right or both, and the note's laterality selector records which (every unilateral code
template has one). The spine, trunk and head are midline: a sided diagnosis there (sciatica,
right side) does not make the block itself sided.
"""

from __future__ import annotations

import itertools
import re

# Limbs, paired joints and paired parts; a region naming any of these words is sided.
SIDED_WORDS = frozenset(
    {
        "shoulder", "scapula", "scapular", "clavicle", "arm", "upper arm", "humerus", "elbow",
        "forearm", "wrist", "hand", "finger", "fingers", "thumb", "hip", "thigh", "femur",
        "knee", "patella", "leg", "lower leg", "calf", "shin", "tibia", "fibula", "ankle",
        "foot", "feet", "heel", "toe", "toes", "hamstring", "hamstrings", "quadriceps",
        "rotator cuff", "achilles", "acl", "mcl", "meniscus", "upper extremity",
        "lower extremity", "ue", "le", "sacroiliac", "si joint", "tmj",
    }
)  # fmt: skip
_WORD = re.compile(r"[a-z]+")


def is_sided_region(region: str) -> bool:
    """True when `region` names a limb or paired part ("right knee", "shoulder", "L ankle")."""
    words = [_singular(word) for word in _WORD.findall(region.lower())]
    if any(word in SIDED_WORDS for word in words):
        return True
    return any(f"{a} {b}" in SIDED_WORDS for a, b in itertools.pairwise(words))


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and word[:-1] in SIDED_WORDS else word


def any_sided(regions: tuple[str, ...]) -> bool:
    return any(is_sided_region(region) for region in regions)


# The regions a patient can mark on an intake form's body diagram, in the words the notes use
# for a block's regions (so a sided one is sided here too): front-to-back, head to foot.
BODY_DIAGRAM_REGIONS: tuple[str, ...] = (
    "head", "jaw", "neck", "left shoulder", "right shoulder", "upper back", "left elbow",
    "right elbow", "left wrist", "right wrist", "left hand", "right hand", "chest", "low back",
    "left hip", "right hip", "left thigh", "right thigh", "left knee", "right knee",
    "left lower leg", "right lower leg", "left ankle", "right ankle", "left foot", "right foot",
)  # fmt: skip
