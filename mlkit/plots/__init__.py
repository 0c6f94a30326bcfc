"""Figures built from core results: each function returns a matplotlib Figure and never shows it."""
