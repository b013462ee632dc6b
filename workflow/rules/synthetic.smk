rule simulate:
    """One synthetic dataset of the paper (section 3): one-hot sequences, labels, planted copies, label noise."""
    output:
        dataset="results/synthetic/{dataset}/dataset.npz",
        planted="results/synthetic/{dataset}/planted.tsv",
        label_noise="results/synthetic/{dataset}/label_noise.json",
    log:
        "logs/synthetic/{dataset}/simulate.log",
    benchmark:
        "benchmarks/results/synthetic/{dataset}/simulate.tsv"
    conda:
        "../../envs/deepresolve.yaml"
    resources:
        runtime=10,
        mem_mb=RULE_MEM_MB["simulate"],
    params:
        settings=lambda wildcards: config["synthetic"][wildcards.dataset],
        sequence_length=config["synthetic"]["sequence_length"],
        labels=config["synthetic"]["labels"],
        seed=config["seed"],
    script:
        "../../scripts/simulate_dataset.py"
