"""Analyses: one module per analysis of the paper or beyond it: claims on datasets I-IV, Table 1
and its protocols, ChIP-seq models, many-class and multi-task models. They combine the layers
below into result tables; their figures are in deepresolve.figures.
"""
