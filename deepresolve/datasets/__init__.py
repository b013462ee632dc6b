"""Data in: one-hot sequences, synthetic datasets I-IV, readers of FASTA, narrowPeak, DeepBind and
Zeng et al. files, dinucleotide shuffles, train/validation/test parts, checksummed downloads.
"""
