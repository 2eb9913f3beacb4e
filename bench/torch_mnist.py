"""PyTorch (Debian python3-torch) training the lesson's Keras MNIST network, for comparison.

Same model, batch 32, Adadelta lr 1.0, random data; prints one JSON line with images/s
for 1 thread and for all threads. usage: python3 bench/torch_mnist.py [batches]
"""
import json
import os
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


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    cores = os.cpu_count() or 1
    print(json.dumps({"torch_version": torch.__version__,
                      "torch_blas": blas_in_use(),
                      "torch_train_ips_1t": round(images_per_second(1, n), 1),
                      "torch_train_ips_nt": round(images_per_second(cores, n), 1),
                      "threads": cores}))
