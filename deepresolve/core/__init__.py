"""Core: what every layer uses. Files that are never half-written and whose failure names the rule
that makes them, a job's log, its TensorFlow device and threads, Markdown tables.
"""
