"""The benchmark's MLP workload (784 -> 256 -> ReLU -> 10, AdamW, batch 64) in a plain PyTorch loop.

Prints one JSON line: steps/s over batches indexed from tensors, and over a torch DataLoader
(num_workers=0) of the same tensors. Used by measurement 11 of the Trainer4J benchmark harness.
Usage: python plain_torch_loop.py STEPS EXAMPLES THREADS
"""
import json
import sys
import time

import torch

steps, examples, threads = (int(a) for a in sys.argv[1:4])
torch.manual_seed(42)
torch.set_num_threads(threads)
x = torch.randn(examples, 784) * 0.5
y = torch.randint(0, 10, (examples,))
batch = 64


def run(batches):
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.0)
    loss_fn = torch.nn.CrossEntropyLoss()
    done = 0
    start = None
    while done < steps + 20:
        for xb, yb in batches():
            if done == 20:  # warm-up steps are not timed
                start = time.perf_counter()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            done += 1
            if done == steps + 20:
                break
    return steps / (time.perf_counter() - start)


def indexed():
    order = torch.randperm(examples)
    for i in range(0, examples - batch + 1, batch):
        idx = order[i:i + batch]
        yield x[idx], y[idx]


loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=batch, shuffle=True,
                                     drop_last=True, num_workers=0)
print(json.dumps({"plain": run(indexed), "dataloader": run(lambda: loader), "torch": torch.__version__}))
