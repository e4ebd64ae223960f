"""Replica-symmetric theory: pure functions, vectorised over grids of control parameters."""
