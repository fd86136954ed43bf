"""Hostile inputs for the robustness tests, written at test time (nothing binary is committed)."""
