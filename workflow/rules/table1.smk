# Table 1 (paper section 5.1), DeepResolve row: the authors' published TF models.
rule download_published_model:
    """One of the authors' 422 Keras 1.2 models (lgsaber/DeepResolve at a pinned commit), checksummed."""
    input:
        checksums="config/published_models.sha256",
    output:
        architecture="resources/published_models/{experiment}/16_G_best_archit.json",
        weights="resources/published_models/{experiment}/16_G_bestmodel_weights.h5",
    log:
        "logs/table1/download/{experiment}.log",
    benchmark:
        "benchmarks/results/table1/download/{experiment}.tsv"
    localrule: True
    conda:
        "../../envs/deepresolve.yaml"
    params:
        mirror=config["table1"]["models_mirror"],
        url=config["table1"]["models_url"],
    script:
        "../../scripts/download_published_model.py"


rule known_motifs:
    """All JASPAR CORE vertebrates matrices (shipped by pyjaspar) and which are each experiment's TF."""
    input:
        tf_motifs="config/tf_motifs.tsv",
    output:
        "results/table1/known_motifs.json",
    log:
        "logs/table1/known_motifs.log",
    conda:
        "../../envs/deepresolve.yaml"
    params:
        experiments=TABLE1_EXPERIMENTS,
        selection=config["table1"]["known_motifs"],
    script:
        "../../scripts/known_motifs.py"


rule tf_deepresolve:
    """DeepResolve on one published TF model: ONIV, ranked filters, PWMs, TOMTOM, top-5 logos."""
    input:
        architectures=[rules.download_published_model.output.architecture],
        weights=[rules.download_published_model.output.weights],
        motifs="results/table1/known_motifs.json",
    output:
        ranking="results/tf/{experiment}/ranked_filters.tsv",
        hits="results/tf/{experiment}/hits.tsv",
        jaspar="results/tf/{experiment}/jaspar_hits.tsv",
        meme="results/tf/{experiment}/filters.meme",
        logos="results/tf/{experiment}/top5_logos.png",
    log:
        "logs/table1/tf/{experiment}.log",
    benchmark:
        "benchmarks/results/table1/tf/{experiment}.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        **gpu_resources(),
        runtime=15,
        mem_mb=3000,
    params:
        experiments=lambda wildcards: [wildcards.experiment],
        fim=fim_settings(config, "table1"),
        seed=config["seed"],
    script:
        "../../scripts/tf_deepresolve.py"


rule table1_batch:
    """The same as tf_deepresolve for a batch of experiments in one job and one batched gradient
    ascent (table1.batch_size per job); a model that cannot be read is excluded, not fatal.
    """
    input:
        unpack(batch_models),
        motifs="results/table1/known_motifs.json",
    output:
        ranking="results/table1/batches/{batch}/ranked_filters.tsv",
        hits="results/table1/batches/{batch}/hits.tsv",
        jaspar="results/table1/batches/{batch}/jaspar_hits.tsv",
        filters=directory("results/table1/batches/{batch}/filters"),
        excluded="results/table1/batches/{batch}/excluded.tsv",
    log:
        "logs/table1/batch/{batch}.log",
    benchmark:
        "benchmarks/results/table1/batch/{batch}.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        **gpu_resources(),
        runtime=30,
        mem_mb=6000,
    params:
        experiments=lambda wildcards: TABLE1_BATCHES[int(wildcards.batch)],
        fim=fim_settings(config, "table1"),
        seed=config["seed"],
    script:
        "../../scripts/tf_deepresolve.py"


rule known_motif_file:
    """One experiment's known JASPAR motif(s) as a MEME motif file (targets of MEME's tomtom)."""
    input:
        "results/table1/known_motifs.json",
    output:
        "results/table1/tomtom_meme/{experiment}/known_motifs.meme",
    log:
        "logs/table1/known_motif_file/{experiment}.log",
    conda:
        "../../envs/deepresolve.yaml"
    script:
        "../../scripts/known_motif_file.py"


rule tomtom_meme:
    """MEME Suite tomtom (pinned container) of one experiment's filters against its known motifs."""
    input:
        filters=lambda wildcards: f"results/table1/batches/{BATCH_OF[wildcards.experiment]}/filters",
        known=rules.known_motif_file.output[0],
    output:
        "results/table1/tomtom_meme/{experiment}/tomtom.tsv",
    log:
        "logs/table1/tomtom_meme/{experiment}.log",
    benchmark:
        "benchmarks/results/table1/tomtom_meme/{experiment}.tsv"
    container:
        MEME_CONTAINER
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        command=lambda wildcards, input, output: shell_command(
            tomtom_command(
                f"{input.filters}/{wildcards.experiment}.meme",
                input.known,
                Path(output[0]).parent,
                **config["table1"]["meme_tomtom"],
            )
        ),
    shell:
        "{params.command} 2> {log}"


rule table1:
    """Table 1, DeepResolve row: top-1/3/5 matches at p < 0.5 and 0.05, beside the paper's."""
    input:
        rankings=expand(
            "results/table1/batches/{batch}/ranked_filters.tsv",
            batch=range(len(TABLE1_BATCHES)),
        ),
        excluded=expand(
            "results/table1/batches/{batch}/excluded.tsv",
            batch=range(len(TABLE1_BATCHES)),
        ),
        meme_tables=table1_meme_tables,
    output:
        tsv=report(
            "results/table1/table1.tsv",
            caption="../report/table1.rst",
            category="Table 1",
        ),
        md="results/table1/table1.md",
        detail="results/table1/detail.tsv",
        excluded="results/table1/excluded.tsv",
    log:
        "logs/table1/table1.log",
    conda:
        "../../envs/deepresolve.yaml"
    params:
        engine=config["table1"]["tomtom_engine"],
        selection=config["table1"]["known_motifs"],
        no_motif=table1_no_motif(),
    script:
        "../../scripts/table1.py"
