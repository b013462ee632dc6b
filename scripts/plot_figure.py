"""Snakemake script of rule `figure`: one paper-style figure of one dataset (PNG + PDF)."""

import logging

import keras
import pandas as pd

from deepresolve import plot
from deepresolve.importance import averaged_niv
from deepresolve.logs import setup_logging
from deepresolve.motifs import filters_to_pwms
from deepresolve.similarity import figure6_matrices
from deepresolve.tables import read_niv_table, read_oniv_table
from deepresolve.weights import conv_kernel, output_kernel

setup_logging(snakemake.log[0])
log = logging.getLogger("figure")
kind = snakemake.wildcards.figure
dataset = snakemake.wildcards.dataset

model = keras.models.load_model(snakemake.input.model)
pwms = filters_to_pwms(conv_kernel(model))
nivs, _, class_names = read_niv_table(pd.read_csv(snakemake.input.niv, sep="\t"))
oniv, variance, nonlinear, _ = read_oniv_table(pd.read_csv(snakemake.input.oniv, sep="\t"))
title = f"Dataset {dataset}"

if kind == "niv_runs":
    figure = plot.figure_niv_runs(nivs[0], variance[0], pwms, title=f"{title}: NIVs of every run")
elif kind == "class_nivs":
    figure = plot.figure_class_nivs(averaged_niv(nivs), variance, pwms, class_names, title=title)
elif kind == "oniv" and len(class_names) == 1:
    figure = plot.figure_oniv_from_nivs(
        nivs[0], oniv[0], nonlinear[0], variance[0], pwms, title=f"{title}: NIVs -> ONIV"
    )
elif kind == "oniv":
    figure = plot.figure_class_onivs(oniv, nonlinear, pwms, class_names, title=f"{title}: ONIV")
else:
    matrices = figure6_matrices(oniv, output_kernel(model))
    figure = plot.figure_similarity_matrices(
        matrices, class_names, highlight=3 if dataset == "IV" else None, title=title
    )
log.info("figure %s of dataset %s drawn", kind, dataset)
figure.savefig(snakemake.output.png, dpi=150, bbox_inches="tight")
figure.savefig(snakemake.output.pdf, bbox_inches="tight")
