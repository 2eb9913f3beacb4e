"""PyTorch (Debian python3-torch) training the lesson's Keras MNIST network, for comparison.

Same model, batch 32, Adadelta lr 1.0, random data; prints one JSON line with images/s
for 1 thread and for all threads, the BLAS library loaded, oneDNN's instruction set and the
OPENBLAS_* / OMP_* variables in force. usage: python3 bench/torch_mnist.py [batches]
"""
import json
import os
import subprocess
import sys
import time

import torch
from torch import nn


def keras_mnist():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(),
        nn.Conv2d(32, 64, 3), nn.ReLU(),
        nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
        nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, 10))  # softmax fused into the loss, as ConvAula does


def images_per_second(threads, batches):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = keras_mnist()
    opt = torch.optim.Adadelta(model.parameters(), lr=1.0, rho=0.95, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(32, 1, 28, 28)
    y = torch.randint(0, 10, (32,))

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    warm = time.perf_counter()
    while time.perf_counter() - warm < 1.0:
        step()
    start = time.perf_counter()
    for _ in range(batches):
        step()
    return batches * 32 / (time.perf_counter() - start)


def blas_in_use():
    """The BLAS library this process actually loaded (python3-torch calls whichever
    libblas.so.3 the dynamic linker finds: Debian's alternative, or an LD_PRELOAD)."""
    torch.ones(64, 64) @ torch.ones(64, 64)  # make sure the BLAS is loaded
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "blas" in line.lower()}
    real = sorted(os.path.realpath(lib) for lib in libs if "lapack" not in lib)
    return ", ".join(real) if real else "none found in /proc/self/maps"


def onednn_isa():
    """The instruction set oneDNN (PyTorch's CPU convolutions) detects on this CPU and the
    implementation it runs conv2d_1 with, from its verbose log of that convolution (batch 32)
    in a child process; and the CPU capability of ATen's own kernels."""
    env = dict(os.environ, ONEDNN_VERBOSE="1", DNNL_VERBOSE="1")
    code = "import torch; torch.nn.functional.conv2d(torch.rand(32, 32, 26, 26), torch.rand(64, 32, 3, 3))"
    lines = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True).stdout.splitlines()
    isa = next((line.split("isa:", 1)[1].strip() for line in lines if ",isa:" in line), None)
    conv = next((line.split(",")[4] for line in lines if ",exec,cpu,convolution," in line), None)
    aten = next((line.split(":", 1)[1].strip() for line in torch.__config__.show().splitlines()
                 if "CPU capability usage" in line), "?")
    if not isa:
        return f"oneDNN not used; ATen {aten}"
    return f"{isa} (conv2d_1: {conv}); ATen {aten}"


def blas_variables():
    """OPENBLAS_* and OMP_* variables in force (OpenBLAS-openmp reads both)."""
    return {k: v for k, v in sorted(os.environ.items()) if k.startswith(("OPENBLAS_", "OMP_"))}


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    cores = os.cpu_count() or 1
    print(json.dumps({"torch_version": torch.__version__,
                      "torch_blas": blas_in_use(),
                      "torch_onednn_isa": onednn_isa(),
                      "torch_blas_env": blas_variables(),
                      "torch_train_ips_1t": round(images_per_second(1, n), 1),
                      "torch_train_ips_nt": round(images_per_second(cores, n), 1),
                      "threads": cores}))
