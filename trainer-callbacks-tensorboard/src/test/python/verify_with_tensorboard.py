#!/usr/bin/env python3
"""Reads a folder of Trainer4J event files with TensorBoard's own Python code and checks what the
dashboards would show: the scalars, text, histograms and HParams plugins' data, through the same
loader (EventMultiplexer with its data_compat and dataclass_compat migrations), data provider and
hparams backend that `tensorboard --load_fast=false` uses.

Not part of the Maven build (CI has no TensorBoard). Needs the `tensorboard` package importable
(pip, or a source checkout with its *_pb2.py generated) plus numpy and absl.

    python3 verify_with_tensorboard.py LOGDIR

Every run folder below LOGDIR is checked: no scalar tag's steps may go back (a step may repeat:
`evaluate()` after `train()` logs eval/* again at the last step; a resumed run's SessionLog START
must have hidden what the killed run wrote after the checkpoint). A Trainer run (one with an
`args/text_summary` text) must have its train/eval/test scalars, args JSON, model text and one
HParams session; other runs must load without errors. Exits non-zero on the first failed check.
"""
import json
import sys

from tensorboard import context
from tensorboard.backend.event_processing import data_provider
from tensorboard.backend.event_processing import plugin_event_multiplexer
from tensorboard.plugins import base_plugin
from tensorboard.plugins.hparams import api_pb2
from tensorboard.plugins.hparams import backend_context
from tensorboard.plugins.hparams import list_session_groups

# test/* only after a predict(), so it is listed, not required.
TRAINER_SCALARS = ["train/loss", "train/learning_rate", "train/epoch", "eval/loss"]


def check(condition, message):
    if not condition:
        print("FAILED: " + message)
        sys.exit(1)


def main(logdir):
    mux = plugin_event_multiplexer.EventMultiplexer()
    mux.AddRunsFromDirectory(logdir)
    mux.Reload()
    provider = data_provider.MultiplexerDataProvider(mux, logdir)
    ctx = context.RequestContext()
    scalars = provider.read_scalars(ctx, experiment_id="", plugin_name="scalars", downsample=10**6)
    texts = provider.read_tensors(ctx, experiment_id="", plugin_name="text", downsample=1000)
    histograms = provider.read_tensors(ctx, experiment_id="", plugin_name="histograms", downsample=1000)
    check(mux.Runs(), "no runs found in " + logdir)

    trainer_runs = []
    for run in sorted(mux.Runs()):
        run_scalars = scalars.get(run, {})
        for tag, points in run_scalars.items():
            steps = [p.step for p in points]
            check(steps == sorted(steps), "%s %s: steps go back: %s" % (run, tag, steps))
        run_texts = texts.get(run, {})
        print("%s: %d scalar tags, %d text tags, %d histogram tags"
              % (run, len(run_scalars), len(run_texts), len(histograms.get(run, {}))))
        if "args/text_summary" in run_texts:
            trainer_runs.append(run)
            for tag in TRAINER_SCALARS:
                check(run_scalars.get(tag), "%s: no %s points" % (run, tag))
            check(all(p.step == 0 for p in run_texts["args/text_summary"]), "%s: args text not at step 0" % run)
            args_md = run_texts["args/text_summary"][0].numpy.item().decode("utf-8")
            check(args_md.startswith("```json\n"), "%s: args text is not a JSON block" % run)
            args = json.loads(args_md[len("```json\n"):-len("\n```")])
            check("learning_rate" in args, "%s: args JSON lacks learning_rate" % run)
            check("model_config/text_summary" in run_texts, "%s: no model text" % run)
            print("  train/loss %s" % [(p.step, round(p.value, 4)) for p in run_scalars["train/loss"]])
            print("  eval tags %s, test tags %s" % (
                sorted(t for t in run_scalars if t.startswith("eval/")),
                sorted(t for t in run_scalars if t.startswith("test/"))))
        for tag, points in histograms.get(run, {}).items():
            for p in points:
                buckets = p.numpy
                check(buckets.ndim == 2 and buckets.shape[1] == 3, "%s %s: bad histogram shape" % (run, tag))
                check((buckets[:, 1] >= buckets[:, 0]).all(), "%s %s: a bucket ends before it starts" % (run, tag))
            print("  histogram %s: steps %s, counts per step %s" % (
                tag, [p.step for p in points], [int(p.numpy[:, 2].sum()) for p in points]))

    if trainer_runs:
        tb_context = base_plugin.TBContext(data_provider=provider, logdir=logdir, multiplexer=mux)
        hparams = backend_context.Context(tb_context)
        # The dashboard asks for sessions of every status.
        request = api_pb2.ListSessionGroupsRequest(
            start_index=0, slice_size=1000,
            allowed_statuses=[api_pb2.STATUS_UNKNOWN, api_pb2.STATUS_SUCCESS,
                              api_pb2.STATUS_FAILURE, api_pb2.STATUS_RUNNING])
        response = list_session_groups.Handler(ctx, hparams, "", request).run()
        names = sorted(g.name for g in response.session_groups)
        print("HParams session groups: %s" % names)
        check(names == sorted(trainer_runs), "one HParams session per Trainer run, got %s" % names)
        for group in response.session_groups:
            check("learning_rate" in group.hparams, "%s: no learning_rate hparam" % group.name)
            metrics = {m.name.tag: m.value for m in group.metric_values}
            check("eval/loss" in metrics, "%s: no eval/loss metric in the HParams table" % group.name)
            check(all(s.status == api_pb2.STATUS_SUCCESS for s in group.sessions), "%s: not a finished session" % group.name)
            print("  %s: learning_rate=%s %s" % (
                group.name, group.hparams["learning_rate"].number_value,
                {k: round(v, 4) for k, v in sorted(metrics.items())}))
    print("OK: %d runs, %d Trainer runs" % (len(mux.Runs()), len(trainer_runs)))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1])
