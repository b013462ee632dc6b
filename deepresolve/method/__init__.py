"""The method: DeepResolve (split a model at a layer, FIMs by gradient ascent, NIVs and ONIVs,
class similarity and difference) and the attribution methods Table 1 compares it with.
"""
