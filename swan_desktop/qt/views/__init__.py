"""Schedule views: day and week time grids, the agenda table, the details panel."""
