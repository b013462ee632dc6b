"""Motifs: filters as PWMs and MEME files, TOMTOM (memelite or MEME Suite), JASPAR matrices, and TF
names as the link between an experiment and its matrices.
"""
