"""Figures: every figure the workflow draws (matplotlib, seaborn, logomaker), from the tables of
the analyses. No other layer imports a plotting library.
"""
