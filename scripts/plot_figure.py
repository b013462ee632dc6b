"""Snakemake script of rules `figures_one_class` / `figures_many_class`: the paper-style figures
(Figures 2-6) of one replicate network, each as PNG and PDF."""

import logging

from deepresolve.core.device import configure_tensorflow
from deepresolve.core.files import made_by, read_tsv
from deepresolve.core.logs import setup_logging
from deepresolve.figures import synthetic as plot
from deepresolve.method.importance import averaged_niv
from deepresolve.method.niv_tables import read_niv_table, read_oniv_table
from deepresolve.method.similarity import figure6_matrices
from deepresolve.models.cnn import load_model
from deepresolve.models.weights import conv_kernel, output_kernel
from deepresolve.motifs.pwm import filters_to_pwms

setup_logging(snakemake.log[0])
configure_tensorflow(snakemake.threads)
log = logging.getLogger("figure")
dataset = snakemake.wildcards.dataset

with made_by("train"):
    model = load_model(snakemake.input.model)
with made_by("oniv"):
    nivs, _, class_names = read_niv_table(read_tsv(snakemake.input.niv))
    oniv, variance, nonlinear, _ = read_oniv_table(read_tsv(snakemake.input.oniv))
pwms = filters_to_pwms(conv_kernel(model))
title = f"Dataset {dataset}, network {snakemake.wildcards.replicate}"


def draw(kind):
    if kind == "niv_runs":
        return plot.figure_niv_runs(nivs[0], variance[0], pwms, title=f"{title}: NIVs of every run")
    if kind == "class_nivs":
        return plot.figure_class_nivs(averaged_niv(nivs), variance, pwms, class_names, title=title)
    if kind == "oniv" and len(class_names) == 1:
        return plot.figure_oniv_from_nivs(
            nivs[0],
            oniv[0],
            nonlinear[0],
            variance[0],
            pwms,
            title=f"{title}: NIVs -> ONIV",
            mode=snakemake.params.oniv_mode,
        )
    if kind == "oniv":
        mode = snakemake.params.oniv_mode
        return plot.figure_class_onivs(
            oniv, nonlinear, pwms, class_names, title=f"{title}: ONIV ({mode} mode)"
        )
    matrices = figure6_matrices(oniv, output_kernel(model))
    return plot.figure_similarity_matrices(
        matrices, class_names, highlight=3 if dataset == "IV" else None, title=title
    )


for key in snakemake.output.keys():
    if key.endswith("_png"):
        kind = key.removesuffix("_png")
        figure = draw(kind)
        figure.savefig(snakemake.output[key], dpi=150, bbox_inches="tight")
        figure.savefig(snakemake.output[f"{kind}_pdf"], bbox_inches="tight")
        log.info("figure %s of dataset %s drawn", kind, dataset)
