FIGURE_KINDS = ["niv_runs", "class_nivs", "oniv", "similarity"]


wildcard_constraints:
    figure="|".join(FIGURE_KINDS),


rule figure:
    """One paper-style figure (Figures 2-6) of one dataset, as PNG and PDF."""
    input:
        niv="results/synthetic/{dataset}/niv.tsv",
        oniv="results/synthetic/{dataset}/oniv.tsv",
        model="results/synthetic/{dataset}/model.keras",
    output:
        png=report(
            "results/synthetic/{dataset}/figures/{figure}.png",
            caption="../report/figure.rst",
            category="Dataset {dataset}",
            subcategory="Figures",
        ),
        pdf="results/synthetic/{dataset}/figures/{figure}.pdf",
    log:
        "logs/synthetic/{dataset}/figure_{figure}.log",
    benchmark:
        "benchmarks/results/synthetic/{dataset}/figure_{figure}.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=2000,
    script:
        "../../scripts/plot_figure.py"
