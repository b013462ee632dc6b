# Table 1 (paper section 5.1), DeepResolve row: the authors' published TF models.
from deepresolve.motifs.jaspar import jaspar_cache_path

# JASPAR matrices read from pyjaspar once (scripts/build_jaspar_cache.py), checksummed
JASPAR_CACHE = str(jaspar_cache_path(TF_MOTIFS["jaspar_release"].iloc[0]))
# lambda-curve points by name, e.g. l2_3_lr_0.01, or l2_0.5_lr_0.1_seed_2019 for a point
# with its own seed (config table1.lambda_curve)
LAMBDA_POINTS = {
    f"l2_{p['l2']:g}_lr_{p['learning_rate']:g}"
    + (f"_seed_{p['seed']}" if "seed" in p else ""): p
    for p in config["table1"]["lambda_curve"]
}


# The authors' 422 Keras 1.2 models (lgsaber/DeepResolve at a pinned commit), checksummed:
# download_published_model brings one (wildcard experiment), published_models_batch_<b> the
# models of one Table 1 batch (table1.batch_size models) in one job instead of one per model;
# Snakemake prefers a rule without wildcards, so for the models of table1.experiments the
# batches take the place of download_published_model. One loop makes them all, so that they
# are the same code to Snakemake: a model one of them brought is never fetched again by
# another (another set of experiments, a ChIP-seq experiment on a published model).
DOWNLOAD_RULES = [
    (
        "download_published_model",
        ["{experiment}"],
        "logs/table1/download/{experiment}.log",
        "benchmarks/results/table1/download/{experiment}.tsv",
    )
] + [
    (
        f"published_models_batch_{batch}",
        experiments,
        f"{TABLE1_LOGS}/download/batch_{batch}.log",
        f"{TABLE1_BENCHMARKS}/download/batch_{batch}.tsv",
    )
    for batch, experiments in enumerate(TABLE1_BATCHES)
]
for _name, _experiments, _log, _benchmark in DOWNLOAD_RULES:

    rule:
        """The authors' Keras 1.2 models (lgsaber/DeepResolve at a pinned commit), checksummed:
        one (download_published_model) or a Table 1 batch (published_models_batch_<b>).
        """
        name:
            _name
        input:
            checksums="config/published_models.sha256",
        output:
            [path for e in _experiments for path in published_model_paths(e)],
        log:
            _log,
        benchmark:
            _benchmark
        localrule: True
        conda:
            "../../envs/deepresolve.yaml"
        params:
            mirror=config["table1"]["models_mirror"],
            url=config["table1"]["models_url"],
        script:
            "../../scripts/download_published_model.py"


rule known_motifs:
    """All JASPAR CORE vertebrates matrices (the package's cache of pyjaspar's) and which are each experiment's TF."""
    input:
        tf_motifs="config/tf_motifs.tsv",
        jaspar=JASPAR_CACHE,
    output:
        "results/table1/known_motifs.json",
    log:
        "logs/table1/known_motifs.log",
    conda:
        "../../envs/deepresolve.yaml"
    params:
        # every experiment with a motif, not table1.experiments: changing that list must not
        # change this file (and rerun every batch)
        experiments=TABLE1_USABLE,
        selection=config["table1"]["known_motifs"],
    script:
        "../../scripts/known_motifs.py"


rule tf_deepresolve:
    """DeepResolve on one published TF model: ONIV, ranked filters, PWMs, TOMTOM, top-5 logos."""
    input:
        architectures=[published_model_inputs("{experiment}")[0]],
        weights=[published_model_inputs("{experiment}")[1]],
        tf_motifs="config/tf_motifs.tsv",
        jaspar=JASPAR_CACHE,
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
        selection=config["table1"]["known_motifs"],
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
        ranking=f"{TABLE1_FOLDER}/batches/{{batch}}/ranked_filters.tsv",
        hits=f"{TABLE1_FOLDER}/batches/{{batch}}/hits.tsv",
        jaspar=f"{TABLE1_FOLDER}/batches/{{batch}}/jaspar_hits.tsv",
        filters=directory(f"{TABLE1_FOLDER}/batches/{{batch}}/filters"),
        excluded=f"{TABLE1_FOLDER}/batches/{{batch}}/excluded.tsv",
    log:
        f"{TABLE1_LOGS}/batch/{{batch}}.log",
    benchmark:
        f"{TABLE1_BENCHMARKS}/batch/{{batch}}.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        **gpu_resources(),
        runtime=30,
        mem_mb=RULE_MEM_MB["table1_batch"],
    params:
        experiments=lambda wildcards: TABLE1_BATCHES[int(wildcards.batch)],
        fim=fim_settings(config, "table1"),
        seed=config["seed"],
    script:
        "../../scripts/tf_deepresolve.py"


rule known_motif_files:
    """Every published experiment's known JASPAR motif(s) as a MEME motif file (targets of
    MEME's tomtom), all in one job."""
    input:
        "results/table1/known_motifs.json",
    output:
        directory("results/table1/tomtom_meme/known_motifs"),
    log:
        "logs/table1/known_motif_files.log",
    conda:
        "../../envs/deepresolve.yaml"
    params:
        experiments=TABLE1_USABLE,  # not table1.experiments: see rule known_motifs
    script:
        "../../scripts/known_motif_file.py"


rule tomtom_meme:
    """MEME Suite tomtom of one experiment's filters against its known motifs: the tomtom on
    PATH (a module, scripts/build_tomtom.sh), or the pinned container with
    --software-deployment-method apptainer; its version is logged, below 5.0 refused."""
    input:
        filters=lambda wildcards: f"{TABLE1_FOLDER}/batches/{BATCH_OF[wildcards.experiment]}/filters",
        known=rules.known_motif_files.output[0],
    output:
        f"{TABLE1_FOLDER}/tomtom_meme/{{experiment}}/tomtom.tsv",
    log:
        f"{TABLE1_LOGS}/tomtom_meme/{{experiment}}.log",
    benchmark:
        f"{TABLE1_BENCHMARKS}/tomtom_meme/{{experiment}}.tsv"
    container:
        MEME_CONTAINER
    resources:
        runtime=10,
        mem_mb=1000,
    params:
        script=lambda wildcards, input, output: meme_tomtom_shell(
            tomtom_command(
                f"{input.filters}/{wildcards.experiment}.meme",
                f"{input.known}/{wildcards.experiment}.meme",
                **config["table1"]["meme_tomtom"],
            ),
            output[0],
            f"{TABLE1_LOGS}/tomtom_meme/{wildcards.experiment}.log",  # = log (not passed here)
        ),
    shell:
        "{params.script}"


rule table1:
    """Table 1, DeepResolve row: top-1/3/5 matches at p < 0.5 and 0.05, beside the paper's."""
    input:
        rankings=expand(
            f"{TABLE1_FOLDER}/batches/{{batch}}/ranked_filters.tsv",
            batch=range(len(TABLE1_BATCHES)),
        ),
        excluded=expand(
            f"{TABLE1_FOLDER}/batches/{{batch}}/excluded.tsv",
            batch=range(len(TABLE1_BATCHES)),
        ),
        meme_tables=table1_meme_tables,
        authors="resources/authors/422-ONIV.pkl",
        agreement=f"{TABLE1_FOLDER}/authors_oniv_agreement.tsv",
    output:
        tsv=report(
            f"{TABLE1_FOLDER}/table1.tsv",
            caption="../report/table1.rst",
            category="Table 1",
        ),
        md=f"{TABLE1_FOLDER}/table1.md",
        detail=f"{TABLE1_FOLDER}/detail.tsv",
        excluded=f"{TABLE1_FOLDER}/excluded.tsv",
    log:
        f"{TABLE1_LOGS}/table1.log",
    conda:
        "../../envs/deepresolve.yaml"
    params:
        engine=config["table1"]["tomtom_engine"],
        fim=fim_settings(config, "table1"),
        selection=config["table1"]["known_motifs"],
        no_motif=table1_no_motif(),
    script:
        "../../scripts/table1.py"


rule download_authors_oniv:
    """The authors' own ONIVs of the 422 models (statistics/422-ONIV.pkl), checksummed."""
    output:
        "resources/authors/422-ONIV.pkl",
    log:
        "logs/table1/download_authors_oniv.log",
    localrule: True
    conda:
        "../../envs/deepresolve.yaml"
    params:
        settings=config["table1"]["authors_oniv"],
    script:
        "../../scripts/download_authors_oniv.py"


rule authors_oniv_agreement:
    """Our ONIV of each Table 1 model against the authors': Pearson, Spearman, top-1, top-5."""
    input:
        rankings=expand(
            f"{TABLE1_FOLDER}/batches/{{batch}}/ranked_filters.tsv",
            batch=range(len(TABLE1_BATCHES)),
        ),
        authors=rules.download_authors_oniv.output[0],
    output:
        f"{TABLE1_FOLDER}/authors_oniv_agreement.tsv",
    log:
        f"{TABLE1_LOGS}/authors_oniv_agreement.log",
    conda:
        "../../envs/deepresolve.yaml"
    script:
        "../../scripts/authors_oniv_agreement.py"


rule table1_lambda_oniv:
    """ONIVs of every Table 1 model at one lambda point: one batched gradient ascent."""
    input:
        architectures=[published_model_inputs(e)[0] for e in TABLE1_EXPERIMENTS],
        weights=[published_model_inputs(e)[1] for e in TABLE1_EXPERIMENTS],
    output:
        f"{TABLE1_FOLDER}/lambda_curve/{{point}}/onivs.tsv",
    log:
        f"{TABLE1_LOGS}/lambda_curve/{{point}}.log",
    benchmark:
        f"{TABLE1_BENCHMARKS}/lambda_curve/{{point}}.tsv"
    wildcard_constraints:
        point=r"l2_[0-9.e+-]+_lr_[0-9.e+-]+(_seed_[0-9]+)?",
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        **gpu_resources(),
        runtime=30,
        mem_mb=RULE_MEM_MB["table1_lambda_oniv"],
    params:
        experiments=TABLE1_EXPERIMENTS,
        fim=fim_settings(config, "table1"),
        point=lambda wildcards: {
            k: v for k, v in LAMBDA_POINTS[wildcards.point].items() if k != "seed"
        },
        seed=lambda wildcards: LAMBDA_POINTS[wildcards.point].get(
            "seed", config["seed"]
        ),
    script:
        "../../scripts/table1_lambda_oniv.py"


rule table1_lambda_curve:
    """Table 1's DeepResolve row and the agreement with the authors' ONIVs against lambda."""
    input:
        onivs=expand(
            f"{TABLE1_FOLDER}/lambda_curve/{{point}}/onivs.tsv", point=LAMBDA_POINTS
        ),
        rankings=expand(
            f"{TABLE1_FOLDER}/batches/{{batch}}/ranked_filters.tsv",
            batch=range(len(TABLE1_BATCHES)),
        ),
        authors=rules.download_authors_oniv.output[0],
    output:
        tsv=report(
            f"{TABLE1_FOLDER}/lambda_curve.tsv",
            caption="../report/lambda_curve.rst",
            category="Table 1",
        ),
        png=report(
            f"{TABLE1_FOLDER}/lambda_curve.png",
            caption="../report/lambda_curve.rst",
            category="Table 1",
        ),
        pdf=f"{TABLE1_FOLDER}/lambda_curve.pdf",
    log:
        f"{TABLE1_LOGS}/lambda_curve.log",
    conda:
        "../../envs/deepresolve.yaml"
    params:
        points=list(LAMBDA_POINTS.values()),
    script:
        "../../scripts/table1_lambda_curve.py"


rule table1_matching:
    """Table 1's six DeepResolve cells under each matching choice of table1.matching (JASPAR
    release, known matrices, targets, TOMTOM engine and flags, p or E), the filters ranked by
    our ONIVs and by the authors' (docs/table1.md: which choice moves which cell)."""
    input:
        rankings=expand(
            f"{TABLE1_FOLDER}/batches/{{batch}}/ranked_filters.tsv",
            batch=range(len(TABLE1_BATCHES)),
        ),
        filters=expand(
            f"{TABLE1_FOLDER}/batches/{{batch}}/filters",
            batch=range(len(TABLE1_BATCHES)),
        ),
        authors=rules.download_authors_oniv.output[0],
    output:
        tsv=report(
            f"{TABLE1_FOLDER}/matching.tsv",
            caption="../report/table1_matching.rst",
            category="Table 1",
        ),
        md=f"{TABLE1_FOLDER}/matching.md",
        filters=f"{TABLE1_FOLDER}/matching_filters.tsv",
    log:
        f"{TABLE1_LOGS}/matching.log",
    benchmark:
        f"{TABLE1_BENCHMARKS}/matching/matching.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=60,
        mem_mb=4000,
    params:
        choices=config["table1"]["matching"],
    script:
        "../../scripts/table1_matching.py"
