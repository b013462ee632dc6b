"""Configuration: the workflow config checked before any job, with messages that name the key and
the fix; the FIM settings of each analysis.
"""
