"""Measuring what a call keeps and needs in Python's memory (tracemalloc), for the tests of a process's size."""
from __future__ import annotations

import gc
import tracemalloc


def traced(function, *args, **kwargs):
    """(function's answer, bytes it left allocated, bytes at its peak), both counted from the call's start after a
    full collection. Allocations made in C or C++ by a library (a marisa trie's own) are not seen."""
    gc.collect()
    tracemalloc.start()
    try:
        answer = function(*args, **kwargs)
        gc.collect()
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return answer, kept, peak
