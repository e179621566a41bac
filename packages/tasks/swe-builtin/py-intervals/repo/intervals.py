"""Merging of closed integer intervals, e.g. booked time slots."""


def merge_intervals(intervals):
    """Merge overlapping or touching [start, end] intervals; returns a new sorted list."""
    merged = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def total_length(intervals):
    """Total length covered by the intervals, overlaps counted once."""
    return sum(end - start for start, end in merge_intervals(intervals))
