# Table 1's four methods (paper section 5.1) as far as the reachable data allows: enhanced
# DeepMotif on every published model of table1.experiments (batched), Grad-CAM and gradient x
# input on the experiments with bound sequences (table1_methods.sequences), DeepResolve from
# rule table1; all four on each ChIP-seq experiment (rule chipseq_methods); one table with
# coverage per row, the paper's claims, a figure (rule table1_methods).
rule table1_deepmotif_batch:
    """Enhanced DeepMotif on a batch of published models: one batched input-space ascent, the
    5 best sequences' most informative windows as PWMs, TOMTOM as for DeepResolve's filters.
    """
    input:
        unpack(edm_batch_models),
        motifs="results/table1/known_motifs.json",
    output:
        ranked=f"{TABLE1_FOLDER}/deepmotif/{{batch}}/ranked_pwms.tsv",
        runs=f"{TABLE1_FOLDER}/deepmotif/{{batch}}/runs.tsv",
        excluded=f"{TABLE1_FOLDER}/deepmotif/{{batch}}/excluded.tsv",
        pwms=directory(f"{TABLE1_FOLDER}/deepmotif/{{batch}}/pwms"),
    log:
        f"{TABLE1_LOGS}/deepmotif/{{batch}}.log",
    benchmark:
        f"{TABLE1_BENCHMARKS}/deepmotif/{{batch}}.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        **gpu_resources(),
        runtime=60,
        mem_mb=4000,
    params:
        experiments=lambda wildcards: EDM_BATCHES[int(wildcards.batch)],
        deepmotif=TABLE1_METHODS["deepmotif"],
        seed=config["seed"],
    script:
        "../../scripts/table1_deepmotif.py"


rule table1_authors_deepmotif_batch:
    """The authors' enhanced DeepMotif (their DM.py: raw input clipped at 0, the all-0.25 start
    plus random ones, their stopping rule) on a batch of published models in one batched
    ascent; PWMs and TOMTOM as for our eDM (rule table1_deepmotif_batch)."""
    input:
        unpack(edm_batch_models),
        motifs="results/table1/known_motifs.json",
    output:
        ranked=f"{TABLE1_FOLDER}/authors_deepmotif/{{batch}}/ranked_pwms.tsv",
        runs=f"{TABLE1_FOLDER}/authors_deepmotif/{{batch}}/runs.tsv",
        excluded=f"{TABLE1_FOLDER}/authors_deepmotif/{{batch}}/excluded.tsv",
        pwms=directory(f"{TABLE1_FOLDER}/authors_deepmotif/{{batch}}/pwms"),
    log:
        f"{TABLE1_LOGS}/authors_deepmotif/{{batch}}.log",
    benchmark:
        f"{TABLE1_BENCHMARKS}/authors_deepmotif/{{batch}}.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        **gpu_resources(),
        runtime=60,
        mem_mb=4000,
    params:
        experiments=lambda wildcards: EDM_BATCHES[int(wildcards.batch)],
        authors_deepmotif=TABLE1_METHODS["authors_deepmotif"],
        seed=config["seed"],
    script:
        "../../scripts/table1_deepmotif.py"


rule table1_gradients:
    """Grad-CAM and gradient x input on one published model with its experiment's bound
    sequences (table1_methods.n_sequences sampled positives); the model's AUC on them.
    """
    input:
        unpack(gradient_inputs),
    output:
        ranked=f"{TABLE1_FOLDER}/gradients/{{experiment}}/ranked_filters.tsv",
        summary=f"{TABLE1_FOLDER}/gradients/{{experiment}}/summary.json",
    log:
        f"{TABLE1_LOGS}/gradients/{{experiment}}.log",
    benchmark:
        f"{TABLE1_BENCHMARKS}/gradients/{{experiment}}.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        **gpu_resources(),
        runtime=15,
        mem_mb=3000,
    params:
        spec=lambda wildcards: TABLE1_METHODS["sequences"][wildcards.experiment],
        pool_label=positive_pool_label,
        n_sequences=TABLE1_METHODS["n_sequences"],
        seed=config["seed"],
    script:
        "../../scripts/table1_gradients.py"


rule table1_methods:
    """Table 1 with the four methods, coverage per row, beside the paper's: the published
    models of table1.experiments and the ChIP-seq experiments of chipseq.experiments; claims,
    protocol rows, figure. One folder per set of experiments (run_name)."""
    input:
        unpack(table1_methods_inputs),
    output:
        tsv=report(
            f"{METHODS_FOLDER}/table.tsv",
            caption="../report/table1_methods.rst",
            category="Table 1",
        ),
        md=f"{METHODS_FOLDER}/table.md",
        detail=f"{METHODS_FOLDER}/detail.tsv",
        sequences=report(
            f"{METHODS_FOLDER}/sequence_experiments.tsv",
            caption="../report/table1_sequence_experiments.rst",
            category="Table 1",
        ),
        claims=report(
            f"{METHODS_FOLDER}/claims.tsv",
            caption="../report/table1_claims.rst",
            category="Table 1",
        ),
        png=report(
            f"{METHODS_FOLDER}/figure.png",
            caption="../report/table1_methods_figure.rst",
            category="Table 1",
        ),
        pdf=f"{METHODS_FOLDER}/figure.pdf",
        protocol=report(
            f"{METHODS_FOLDER}/protocol_rows.tsv",
            caption="../report/table1_protocol_rows.rst",
            category="Table 1",
        ),
    log:
        folder_logs(METHODS_FOLDER) + ".log",
    conda:
        "../../envs/deepresolve.yaml"
    script:
        "../../scripts/table1_methods.py"
