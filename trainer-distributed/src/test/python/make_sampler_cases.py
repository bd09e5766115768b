"""Writes the shards PyTorch's DistributedSampler gives, as test data for DistributedSamplerTest.

Run once with PyTorch installed (2.x):  python make_sampler_cases.py > ../resources/torch_distributed_sampler.json
Each case holds the epoch's base order (torch.randperm under seed + epoch when shuffled, else 0..n-1) and,
per rank, the indices the sampler yields, so the Java rule is checked on exactly torch's input.
"""
import json

import torch
from torch.utils.data.distributed import DistributedSampler

cases = []
for size in (1, 2, 5, 7, 10, 64, 101):
    for replicas in (1, 2, 3, 4):
        for drop_last in (False, True):
            for shuffle, seed, epoch in ((False, 0, 0), (True, 42, 0), (True, 42, 3)):
                data = list(range(size))
                if shuffle:
                    g = torch.Generator()
                    g.manual_seed(seed + epoch)
                    order = torch.randperm(size, generator=g).tolist()
                else:
                    order = list(range(size))
                shards = []
                for rank in range(replicas):
                    sampler = DistributedSampler(data, num_replicas=replicas, rank=rank, shuffle=shuffle,
                                                 seed=seed, drop_last=drop_last)
                    sampler.set_epoch(epoch)
                    shards.append(list(iter(sampler)))
                cases.append({"size": size, "replicas": replicas, "drop_last": drop_last, "shuffle": shuffle,
                              "seed": seed, "epoch": epoch, "order": order, "shards": shards,
                              "num_samples": len(shards[0])})
print(json.dumps({"torch": torch.__version__, "cases": cases}))
