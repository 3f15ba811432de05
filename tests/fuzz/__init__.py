"""Inputs for the fuzz tests (``tests/test_fuzz.py``): mutated examples, token soup, raw bytes."""
