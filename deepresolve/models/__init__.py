"""Models: the paper's CNN, the authors' Keras 1.2 models imported into Keras 3, DeepSEA, seeded
training with the one AUC function, and weights read back from a trained model.
"""
