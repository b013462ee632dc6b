# Many-class models (paper section 5.2, Figures 7-8): FIMs in class chunks, one job per chunk,
# merged; class similarity, clustering, the DNase x TF/histone analyses and their figures.

MULTICLASS = config["multiclass"]["models"]
MULTICLASS_FIGURES = [
    "similarity",
    "clustering",
    "differences",
    "dnase_bicluster",
    "strong_correlations",
]


wildcard_constraints:
    mc="|".join(map(re.escape, MULTICLASS)) if MULTICLASS else "__none__",
    chunk=r"\d+",
    mc_figure="|".join(MULTICLASS_FIGURES),


rule deepsea_random_model:
    """A DeepSEA-architecture model (1000 bp, 919 outputs) with seeded random weights."""
    output:
        model="results/multiclass/{mc}/random_model.keras",
    log:
        "logs/multiclass/{mc}/random_model.log",
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=4000,
    params:
        seed=config["seed"],
        n_classes=lambda wildcards: multiclass_n_classes(wildcards.mc),
    script:
        "../../scripts/deepsea_random_model.py"


rule fim_chunk:
    """FIMs of one chunk of classes (multiclass.chunk_size of them) x runs, in one batch."""
    input:
        model=multiclass_model_file,
        class_names=lambda wildcards: MULTICLASS[wildcards.mc]["class_names"],
    output:
        fim="results/multiclass/{mc}/fim_chunks/{chunk}.npz",
    log:
        "logs/multiclass/{mc}/fim_chunk_{chunk}.log",
    benchmark:
        "benchmarks/results/multiclass/{mc}/fim_chunk_{chunk}.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    threads: 2
    resources:
        **gpu_resources(),
        runtime=config["multiclass"]["chunk_runtime"],
        mem_mb=config["multiclass"]["chunk_mem_mb"],
    params:
        chunk=lambda wildcards: int(wildcards.chunk),
        chunk_size=config["multiclass"]["chunk_size"],
        layer=lambda wildcards: MULTICLASS[wildcards.mc].get("layer"),
        model_rule=multiclass_model_rule,
        # multiclass.fim, or the block of the analysis that trained the model (its "fim" key,
        # set where multitask_config.smk registers its models)
        settings=lambda wildcards: fim_settings(
            config, MULTICLASS[wildcards.mc].get("fim", "multiclass")
        ),
        # that block's name: the memory check names its n_runs key
        fim_block=lambda wildcards: MULTICLASS[wildcards.mc].get("fim", "multiclass"),
        seed=config["seed"],
    script:
        "../../scripts/fim_chunk.py"


rule fim_merge:
    """The chunks' FIMs in one file, in class order, written one chunk at a time."""
    input:
        chunks=multiclass_chunk_files,
    output:
        fim="results/multiclass/{mc}/fim.npz",
    log:
        "logs/multiclass/{mc}/fim_merge.log",
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=30,
        mem_mb=4000,
    params:
        n_classes=lambda wildcards: multiclass_n_classes(wildcards.mc),
    script:
        "../../scripts/merge_fim_chunks.py"


rule multiclass_oniv:
    """NIVs (one chunk at a time), ONIVs and the class similarity matrix of all classes."""
    input:
        chunks=multiclass_chunk_files,
        class_names=lambda wildcards: MULTICLASS[wildcards.mc]["class_names"],
    output:
        oniv=report(
            "results/multiclass/{mc}/oniv.tsv",
            caption="../report/multiclass_oniv.rst",
            category="Many classes: {mc}",
            subcategory="Tables",
        ),
        similarity=report(
            "results/multiclass/{mc}/similarity.tsv",
            caption="../report/multiclass_similarity.rst",
            category="Many classes: {mc}",
            subcategory="Tables",
        ),
    log:
        "logs/multiclass/{mc}/oniv.log",
    benchmark:
        "benchmarks/results/multiclass/{mc}/oniv.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=30,
        mem_mb=4000,
    params:
        mode=lambda wildcards: fim_settings(
            config, MULTICLASS[wildcards.mc].get("fim", "multiclass")
        )["oniv_mode"],
    script:
        "../../scripts/multiclass_oniv.py"


rule multiclass_tables:
    """Clusters of the classes, class difference maps, each feature's top classes."""
    input:
        oniv="results/multiclass/{mc}/oniv.tsv",
        similarity="results/multiclass/{mc}/similarity.tsv",
        class_names=lambda wildcards: MULTICLASS[wildcards.mc]["class_names"],
    output:
        clusters=report(
            "results/multiclass/{mc}/clusters.tsv",
            caption="../report/multiclass_clusters.rst",
            category="Many classes: {mc}",
            subcategory="Tables",
        ),
        differences="results/multiclass/{mc}/differences.tsv",
        feature_top_classes=report(
            "results/multiclass/{mc}/feature_top_classes.tsv",
            caption="../report/multiclass_feature_top_classes.rst",
            category="Many classes: {mc}",
            subcategory="Tables",
        ),
    log:
        "logs/multiclass/{mc}/tables.log",
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=4000,
    params:
        method=config["multiclass"]["cluster_method"],
        n_clusters=config["multiclass"]["n_clusters"],
        pairs=lambda wildcards: MULTICLASS[wildcards.mc].get("difference_pairs", []),
        top=config["multiclass"]["top_features"],
    script:
        "../../scripts/multiclass_tables.py"


rule multiclass_dnase:
    """Figure 8's tables: the DNase x TF/histone block bi-clustered, strong-correlation counts."""
    input:
        similarity="results/multiclass/{mc}/similarity.tsv",
        class_names=lambda wildcards: MULTICLASS[wildcards.mc]["class_names"],
    output:
        block="results/multiclass/{mc}/dnase_block.tsv",
        counts=report(
            "results/multiclass/{mc}/strong_correlations.tsv",
            caption="../report/multiclass_strong_correlations.rst",
            category="Many classes: {mc}",
            subcategory="Tables",
        ),
        factors=report(
            "results/multiclass/{mc}/strong_correlations_per_factor.tsv",
            caption="../report/multiclass_strong_correlations.rst",
            category="Many classes: {mc}",
            subcategory="Tables",
        ),
    log:
        "logs/multiclass/{mc}/dnase.log",
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=4000,
    params:
        threshold=config["multiclass"]["strong_threshold"],
    script:
        "../../scripts/multiclass_dnase.py"


rule multiclass_figure:
    """Figures 7-8 and the class difference maps of one many-class model, PNG and PDF."""
    input:
        unpack(multiclass_figure_inputs),
    output:
        png=report(
            "results/multiclass/{mc}/figures/{mc_figure}.png",
            caption="../report/multiclass_figure.rst",
            category="Many classes: {mc}",
            subcategory="Figures",
        ),
        pdf="results/multiclass/{mc}/figures/{mc_figure}.pdf",
    log:
        "logs/multiclass/{mc}/figure_{mc_figure}.log",
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=4000,
    params:
        method=config["multiclass"]["cluster_method"],
        n_clusters=config["multiclass"]["n_clusters"],
        threshold=config["multiclass"]["strong_threshold"],
    script:
        "../../scripts/plot_multiclass_figure.py"
