"""Judging hybrids: scores that do not depend on how a hybrid was made, and Pareto fronts of sweeps."""
