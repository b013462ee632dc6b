# ChIP-seq experiments with sequences (paper section 5.1): data in, training, and the four
# methods of Table 1 on each experiment's model (their table: rule table1_methods).
wildcard_constraints:
    deepbind=r"[A-Za-z0-9_().-]+",
    deepbind_part="AC|B",


rule download_zeng_file:
    """One Zeng et al. motif_discovery file (train.data / test.data), checksummed."""
    input:
        checksums="config/zeng_motif_discovery.sha256",
        # the mirror's file, when it holds it: an edit there reruns the copy
        mirror=lambda wildcards: mirror_input(
            config["chipseq"]["zeng_mirror"], f"{wildcards.zeng}/{wildcards.part}.data"
        ),
    output:
        "resources/zeng/{zeng}/{part}.data",
    log:
        "logs/chipseq/download/{zeng}_{part}.log",
    localrule: True
    conda:
        "../../envs/deepresolve.yaml"
    params:
        url=config["chipseq"]["zeng_url"],
        relpath=lambda wildcards: f"{wildcards.zeng}/{wildcards.part}.data",
        mirror=config["chipseq"]["zeng_mirror"],
        unpinned=config["chipseq"]["zeng_unpinned"],
        unpinned_key="chipseq.zeng_unpinned",
    script:
        "../../scripts/download_pinned_file.py"


rule download_deepbind_file:
    """One DeepBind ENCODE file (<name>_AC.seq.gz training peaks, <name>_B.seq.gz test),
    checked against config/deepbind_encode.sha256."""
    input:
        checksums="config/deepbind_encode.sha256",
        mirror=lambda wildcards: mirror_input(
            config["chipseq"]["deepbind_mirror"],
            f"{wildcards.deepbind}_{wildcards.deepbind_part}.seq.gz",
        ),
    output:
        "resources/deepbind/{deepbind}_{deepbind_part}.seq.gz",
    log:
        "logs/chipseq/download/deepbind_{deepbind}_{deepbind_part}.log",
    localrule: True
    conda:
        "../../envs/deepresolve.yaml"
    params:
        url=config["chipseq"]["deepbind_url"],
        relpath=lambda wildcards: f"{wildcards.deepbind}_{wildcards.deepbind_part}.seq.gz",
        mirror=config["chipseq"]["deepbind_mirror"],
        unpinned=config["chipseq"]["deepbind_unpinned"],
        unpinned_key="chipseq.deepbind_unpinned",
    script:
        "../../scripts/download_pinned_file.py"


rule fetch_sequence_file:
    """A FASTA, target or DeepBind .seq file of an experiment given by URL, checked when the
    config gives its SHA-256; taken from the experiment's mirror folder when that holds a file
    of the URL's name (then an input, so that an edit there reruns the copy).
    """
    input:
        mirror=lambda wildcards: mirror_input(
            CHIPSEQ[wildcards.chip].get("mirror"),
            None,
            CHIPSEQ[wildcards.chip][wildcards.fasta_part][wildcards.kind],
        ),
    output:
        "resources/chipseq/{chip}/{fasta_part}.{kind}",
    log:
        "logs/chipseq/fetch/{chip}_{fasta_part}_{kind}.log",
    localrule: True
    conda:
        "../../envs/deepresolve.yaml"
    params:
        source=lambda wildcards: CHIPSEQ[wildcards.chip][wildcards.fasta_part][
            wildcards.kind
        ],
        sha256=lambda wildcards: CHIPSEQ[wildcards.chip][wildcards.fasta_part].get(
            f"{wildcards.kind}_sha256"
        ),
        mirror=lambda wildcards: CHIPSEQ[wildcards.chip].get("mirror"),
    script:
        "../../scripts/fetch_sequence_file.py"


rule fetch_peaks_and_genome:
    """An experiment's narrowPeak file and genome FASTA (paths or URLs; gunzipped; indexed);
    local paths are inputs, so that an edit reruns the copy and what depends on it."""
    input:
        unpack(
            lambda wildcards: {
                key: CHIPSEQ[wildcards.chip][key]
                for key in ("peaks", "genome")
                if not is_url(CHIPSEQ[wildcards.chip][key])
            }
        ),
    output:
        peaks="resources/chipseq/{chip}/peaks.narrowPeak",
        genome="resources/chipseq/{chip}/genome.fa",
        index="resources/chipseq/{chip}/genome.fa.fai",
    log:
        "logs/chipseq/fetch/{chip}.log",
    localrule: True
    conda:
        "../../envs/deepresolve.yaml"
    params:
        spec=lambda wildcards: CHIPSEQ[wildcards.chip],
    script:
        "../../scripts/fetch_peaks_and_genome.py"


rule chipseq_sequences:
    """One experiment's labelled sequences and their train/validation/test parts."""
    input:
        unpack(chipseq_inputs),
    output:
        "results/chipseq/{chip}/sequences.npz",
    log:
        "logs/chipseq/{chip}/sequences.log",
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=20,
        mem_mb=4000,
    params:
        spec=lambda wildcards: CHIPSEQ[wildcards.chip],
        # the settings without the experiments: a config with other experiments changes no
        # parameter of this experiment's job, so it never reruns it
        settings={k: v for k, v in config["chipseq"].items() if k != "experiments"},
        seed=config["seed"],
        user_files=lambda wildcards: user_files(
            wildcards.chip, CHIPSEQ[wildcards.chip], config["chipseq"]
        ),
    script:
        "../../scripts/chipseq_sequences.py"


rule train_chipseq:
    """A single-task CNN (chipseq.model_preset) on one experiment; test AUC in metrics.json."""
    input:
        "results/chipseq/{chip}/sequences.npz",
    output:
        model="results/chipseq/{chip}/model.keras",
        history="results/chipseq/{chip}/history.tsv",
        metrics="results/chipseq/{chip}/metrics.json",
    log:
        "logs/chipseq/{chip}/train.log",
    benchmark:
        "benchmarks/results/chipseq/{chip}/train.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    # Snakemake caps a rule's threads at --cores (local and cluster runs alike)
    threads: 4
    resources:
        **gpu_resources(),
        runtime=120,
        mem_mb=8000,
    params:
        preset=config["chipseq"]["model_preset"],
        training=config["chipseq"]["training"],
        auc_failure=config["chipseq"]["auc_failure"],
        seed=config["seed"],
    script:
        "../../scripts/train_chipseq.py"


rule chipseq_known_motifs:
    """JASPAR CORE vertebrates and one ChIP-seq experiment's TF matrices (one file per
    experiment: a config with other experiments never rewrites it, so never reruns its jobs).
    """
    output:
        "results/chipseq/{chip}/known_motifs.json",
    log:
        "logs/chipseq/{chip}/known_motifs.log",
    conda:
        "../../envs/deepresolve.yaml"
    params:
        tfs=lambda wildcards: {wildcards.chip: chipseq_tfs()[wildcards.chip]},
        selection=config["table1"]["known_motifs"],
    script:
        "../../scripts/chipseq_known_motifs.py"


rule chipseq_methods:
    """DeepResolve, Grad-CAM, gradient x input, enhanced DeepMotif on one experiment's model."""
    input:
        model=chipseq_model,
        sequences="results/chipseq/{chip}/sequences.npz",
        motifs="results/chipseq/{chip}/known_motifs.json",
    output:
        ranked="results/chipseq/{chip}/methods_ranked.tsv",
        deepmotif="results/chipseq/{chip}/deepmotif.meme",
        evaluation="results/chipseq/{chip}/evaluation.json",
    log:
        "logs/chipseq/{chip}/methods.log",
    benchmark:
        "benchmarks/results/chipseq/{chip}/methods.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        **gpu_resources(),
        runtime=30,
        mem_mb=RULE_MEM_MB["chipseq_methods"],
    params:
        fim=chipseq_fim,
        n_sequences=TABLE1_METHODS["n_sequences"],
        deepmotif=TABLE1_METHODS["deepmotif"],
        auc_failure=config["chipseq"]["auc_failure"],
        seed=config["seed"],
    script:
        "../../scripts/chipseq_methods.py"
