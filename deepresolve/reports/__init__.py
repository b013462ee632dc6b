"""Reports: results of record (the headline numbers of a finished run, with provenance) and the
blocks of the docs rendered from them.
"""
