"""Side-by-side lanes for sessions that overlap within one column."""

from __future__ import annotations

from collections.abc import Sequence


def assign_lanes(intervals: Sequence[tuple[float, float]]) -> list[tuple[int, int]]:
    """For intervals sorted by start, each one's ``(lane, lanes_in_its_cluster)``.

    Intervals that overlap nobody get the full width (one lane); a cluster of
    overlapping intervals shares the width between as many lanes as it needs.
    """
    result: list[tuple[int, int]] = [(0, 1)] * len(intervals)
    cluster: list[int] = []
    lane_ends: list[float] = []
    cluster_end = float("-inf")

    def close() -> None:
        for idx in cluster:
            result[idx] = (result[idx][0], len(lane_ends))

    for i, (start, end) in enumerate(intervals):
        if cluster and start >= cluster_end:
            close()
            cluster.clear()
            lane_ends.clear()
        for lane, lane_end in enumerate(lane_ends):
            if lane_end <= start:
                lane_ends[lane] = end
                break
        else:
            lane = len(lane_ends)
            lane_ends.append(end)
        result[i] = (lane, 0)
        cluster.append(i)
        cluster_end = max(cluster_end, end) if len(cluster) > 1 else end
    if cluster:
        close()
    return result
