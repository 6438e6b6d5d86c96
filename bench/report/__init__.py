"""The study report: figures, Markdown and a self-contained HTML page.

``bench.report.render.write_report`` writes ``report.md``, ``report.html`` and ``figures/``
into a study folder; ``python -m bench.report STUDY_DIR`` re-renders them from the stored
study. Nothing here imports TensorFlow.
"""
