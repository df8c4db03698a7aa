"""Weights, packed vectors and the app's pair formula. No FastAPI, no SQL."""

import math
import operator
import sys
from array import array
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Dict, Optional, Tuple

FACETS = ("roles", "skills", "growth", "career", "vision", "culture")
DEFAULT_WEIGHTS = {f: 1.0 for f in FACETS}

# fitmatch's CLI accepts a weight of 0 or one in this range (src/config.ts WEIGHT_RANGE): it keeps
# every product and sum finite and non-zero in float32. The router takes the same positive range;
# <= 0 keeps the app's meaning (the facet is off).
WEIGHT_MIN = 1e-6
WEIGHT_MAX = 1e6


# Enough digits for any finite float to 2 decimals (the default 28 fails from 1e26 on).
_EXACT = Context(prec=400)


def round2(value: float) -> float:
    # Half away from zero, like fitmatch's DECIMAL(5,2) values, so /score and the
    # live path agree with the published numbers.
    return float(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP, context=_EXACT))


def format_weights(weights: Dict[str, float]) -> Dict[str, float]:
    return {f: round2(weights[f]) for f in FACETS}


def weight_problem(facet: str, value: float) -> Optional[str]:
    """Why a requested weight cannot be used, or None."""
    if not math.isfinite(value):
        return f"weights.{facet} must be finite"
    if value > 0 and not WEIGHT_MIN <= value <= WEIGHT_MAX:
        return (f"weights.{facet} must be between {WEIGHT_MIN:.6f} and {WEIGHT_MAX:.0f} "
                f"(0 or less turns the facet off), got {value:g}")
    return None


def effective_weights(given: Dict[str, Optional[float]]) -> Dict[str, float]:
    """The app's rules: missing -> 1, <= 0 -> 0, all zero -> all 1. Values already checked."""
    weights = {f: 1.0 if given.get(f) is None else (float(given[f]) if given[f] > 0 else 0.0)
               for f in FACETS}
    if all(w == 0.0 for w in weights.values()):
        return dict(DEFAULT_WEIGHTS)
    return weights


def same_weights(a: Dict[str, float], b: Dict[str, float]) -> bool:
    # Proportional weights give identical scores (the formula divides by their sum).
    sa, sb = sum(a.values()), sum(b.values())
    if sa <= 0 or sb <= 0:
        return sa == sb
    return all(abs(a[f] / sa - b[f] / sb) <= 1e-9 for f in FACETS)


def unpack_vectors(facet_dims: str, blob: bytes) -> Optional[Dict[str, array]]:
    """talent_embeddings/job_embeddings.vectors -> {facet: float32 array}, None if corrupt."""
    try:
        dims = [int(d) for d in facet_dims.split(",")]
    except ValueError:
        return None
    if len(dims) != len(FACETS) or sum(dims) * 4 != len(blob):
        return None
    vectors: Dict[str, array] = {}
    offset = 0
    for facet, dim in zip(FACETS, dims):
        if dim > 0:
            values = array("f")
            values.frombytes(blob[offset:offset + dim * 4])
            if sys.byteorder == "big":  # stored little-endian
                values.byteswap()
            vectors[facet] = values
            offset += dim * 4
    return vectors or None


def score_pair(a: Dict[str, array], b: Dict[str, array], weights: Dict[str, float]
               ) -> Tuple[Optional[float], Dict[str, float]]:
    """The app's formula: (overall score_100 or None, {shared facet: score_100})."""
    cosines: Dict[str, float] = {}
    for facet in FACETS:
        u, v = a.get(facet), b.get(facet)
        if u is not None and v is not None and len(u) == len(v):
            # Stored vectors are unit length: the dot product is the cosine.
            cosines[facet] = max(-1.0, min(1.0, sum(map(operator.mul, u, v))))
    weight_sum = sum(weights[f] for f in cosines if weights[f] > 0)
    overall = None
    if weight_sum > 0:
        mean = sum(weights[f] * c for f, c in cosines.items() if weights[f] > 0) / weight_sum
        overall = (max(-1.0, min(1.0, mean)) + 1.0) * 50.0
    return overall, {f: (c + 1.0) * 50.0 for f, c in cosines.items()}
