"""Label suggestions learned from one annotator's decisions, and the teach queue.

A layer of the core above ``store`` and ``corpus`` (it reads both; nothing
below imports it). Parts: ``features`` (what a sentence looks like to the
model, and the cue lists), ``prior`` (the cold-start prior), ``model`` (naive
Bayes, deterministic), ``suggester`` (the API below).

The API, for the CLI and the reader/teach screens (call it off the UI thread,
from one worker at a time; it opens its own read-only store, which follows
the writer's changes, so the UI keeps its writer store)::

    s = Suggester(home, annotator)        # loads the model file if there is one
    version = s.train()                   # model version, None before any label
    s.version, s.labelled                 # the current model version; sentences it learnt from
    s.suggest(report_id)                  # [Suggestion(sentence, start, end, label|None, score, margin)]
                                          #   for body sentences without a decision
    s.suggest(report_id, undecided_only=False)   # every body sentence (baocao suggest)
    s.suggest_text(text, analysis)        # a file outside the library
    s.queue(limit)                        # [QueueItem(report_id, title, date, sentence, paragraph,
                                          #   start, end, label, score, margin, model_version)]
    s.skip(item); s.prefetch()            # skip for this session; score the next window ahead
    s.warm()                              # write one features file ahead; False: none left
    s.quality()                           # Quality(macro_f1, per_label, labels, reports, folds) | None
    s.outcomes()                          # Outcomes(accepted, overridden)
    s.close()                             # (or use it as a context manager)

Accepting a suggestion is ``store.tag(sel, s.label, source="suggestion",
score=s.score, model_version=s.train()'s version)``; a suggestion of "none"
is ``store.mark_none(sel, source="suggestion", score=..., model_version=...)``.
When the analyst decides a sentence differently from the suggestion shown (a
label or none), pass ``source="manual", model_version=<that version>`` (score
None): ``outcomes()`` counts such decisions as overridden.

**Training data.** Every body sentence (``Analysis.body_sentences()``) the
annotator decided on the report's current text: a label, or the decision
none; in a report they marked done, every undecided body sentence is none.
Labels no longer in the label set are left out. Classes: the label set plus
none.

**Prior and model combined.** With no labels, suggestions come from the
prior alone (``prior.py``: cue words, the section heading, imperative
openings). With n labelled sentences, P(c) is proportional to
P_model(c) * P_prior(c) ** beta, beta = 2 * 150 / (150 + n): the prior counts
about twice the model at first, as much as the model after 150 labels (about
four reports) and fades as labels accumulate (0.06 at 5,000), so the learned
model takes over. (PRIOR_WEIGHT and PRIOR_HALF were chosen on the seeds'
leave-one-report-out figure.) Then each sentence is pooled with the other
body sentences of its paragraph: log P'(c | s) = log P(c | s) + lambda * the
mean over the others t of log P(c | t), lambda = ``PARAGRAPH_WEIGHT`` (2): a
paragraph of a report states one kind of thing (in the seeds' gold, 95% of
neighbours within a paragraph share their label, against 76% across a
paragraph break), so a sentence follows its paragraph unless its own evidence is
more than twice the paragraph's. (lambda is the middle of the range, 1 to 3,
where the seeds' leave-one-report-out macro-F1 and keystrokes are best.) ``score`` is the
top class's probability, ``margin`` the difference to the runner-up's; a tie
goes to none, then to the label first in alphabetical order.

**Determinism.** The same labels (by text hash, sentence and class) give the
same model version and the same model, with no random step (a retrain adds and
takes away only the changed labels' counts: integers, so the model is the one
a fresh fit makes); the only
randomness is the teach queue's report order, seeded by the annotator's name.

**Model file** ``HOME/cache/suggest/<sha256(annotator)[:16]>.json``: the
format version, annotator, classes, model version, the counts the model is
made of and the labels counted (text hash, sentence, class, report), and its
quality. The model is rebuilt from the counts on load, so the first retrain of
a session counts only the labels that changed since. A cache, never the truth: rebuilt when missing, unreadable, of
another format or label set, or of other labels (its version differs);
written atomically without the writer lock (two writers of one version write
the same content); unwritable is ignored.

**Features file** ``HOME/cache/suggest/features/<text sha256>-<FORMAT>.json``:
a report's features and prior (they depend on its text, the format and the
label set, never on the model), read by a later session instead of computing
them again (a 300-sentence report: some 20,000 feature strings). ``s.warm()``
writes one: of a report ``suggest`` computed, else ahead, for the reports
imported last; the model's process calls it while idle, so no suggestion
waits for a write and a report just imported opens with its features ready. A cache like the model
file: ignored when unreadable or of another format, text or label set.

**Teach queue.** The library's reports in a shuffled order (seeded), scored
whole, a few at a time, until a window holds ``WINDOW_SENTENCES`` (120)
candidates; each window asks its ``WINDOW_TAKE`` (8)
undecided body sentences with the smallest margin between the two best
classes, smallest first (as Prodigy's uncertainty sampling does on a stream),
then moves on; after a whole pass it starts again on what was not asked, and
ends when nothing is left. A question is given once per session (the UI
answers or skips it). Reports the annotator marked done are not asked. A window
scored by an older model is scored again before its next question, so the
answers shape the questions that follow. The cost of a question does not grow
with the library: a window costs its 120 sentences, ``prefetch()`` pays it ahead.

**Quality** (``baocao stats``): the annotator's labels, reports split into 5
groups, each group suggested by a model trained on the other four (with the
prior weighted for that many labels, as suggestions are made): macro-F1 over
the classes of their labels (none included) and F1 per class.
"""
from .suggester import Outcomes, Quality, QueueItem, Suggester, Suggestion

__all__ = ["Suggester", "Suggestion", "QueueItem", "Quality", "Outcomes"]
