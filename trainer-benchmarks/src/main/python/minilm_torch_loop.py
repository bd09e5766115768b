"""The MiniLM workload of measurements 12-15 (Trainer4J benchmark harness) in a plain PyTorch loop.

    python minilm_torch_loop.py HF_FOLDER BATCHES_JSON FIRST LOGGING_STEPS THREADS LEARNING_RATE MAX_GRAD_NORM

HF_FOLDER is the model the harness saved (all-MiniLM-L6-v2 with a fresh classification head, dropout 0);
BATCHES_JSON the Trainer's batches, as its collator made them. Per step, as the Java side: forward, cross entropy
of the logits, backward, reading the loss, clip_grad_norm_, AdamW (weight decay 0, HF's default) at a linear decay
to 0 over the run, zeroing the gradients. Prints one JSON line: steps per second from the end of step FIRST to the
end of the last, the minor page faults a step meanwhile, the mean loss of every LOGGING_STEPS steps rounded to 4 places (as HF's Trainer logs it), and the
versions.
"""
import json
import resource
import sys
import time

import torch
import transformers
from transformers import BertForSequenceClassification


def main():
    folder, batches_file = sys.argv[1:3]
    first, logging_steps, threads = (int(a) for a in sys.argv[3:6])
    learning_rate, max_grad_norm = (float(a) for a in sys.argv[6:8])
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    with open(batches_file) as f:
        batches = [{k: torch.tensor(v) for k, v in b.items()} for b in json.load(f)]
    # Eager attention: the computation of the native block and of the TorchScript trace (export_torchscript.py).
    model = BertForSequenceClassification.from_pretrained(folder, attn_implementation="eager")
    model.train()
    total = len(batches)
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: max(0.0, (total - step) / total))
    logged, window, start = [], 0.0, None
    for step, batch in enumerate(batches, start=1):
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                       token_type_ids=batch["token_type_ids"]).logits
        loss = torch.nn.functional.cross_entropy(logits, batch["labels"])
        loss.backward()
        window += loss.item()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        if step % logging_steps == 0:
            logged.append(round(window / logging_steps, 4))
            window = 0.0
        if step == first:
            faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            start = time.perf_counter()
    seconds = time.perf_counter() - start
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
    print(json.dumps({"steps_per_second": (total - first) / seconds, "faults_per_step": faults / (total - first),
                      "losses": logged, "torch": torch.__version__, "transformers": transformers.__version__}))


if __name__ == "__main__":
    main()
