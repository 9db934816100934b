"""Helpers of the teaching notebooks: test patterns and side-by-side timings."""
